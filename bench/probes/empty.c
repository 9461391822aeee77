/* Does nothing: linked against different library sets, it measures what
 * the dynamic loader costs before main (bench/profile). */
int
main(void)
{
	return 0;
}
