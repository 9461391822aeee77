/* src/conf: profiles file, atomic save, URL rules, target resolution. */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "mmadm/buf.h"
#include "mmadm/conf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* ---- fixtures: a temp dir and a fake environment ---- */

static char tmpdir[64];

static struct {
	const char *name;
	const char *value;
} fake_env[16];

static const char *
fake_getenv(const char *name)
{
	for (size_t i = 0; i < sizeof(fake_env) / sizeof(fake_env[0]); i++)
		if (fake_env[i].name != NULL &&
		    strcmp(fake_env[i].name, name) == 0)
			return fake_env[i].value;
	return NULL;
}

static void
env_set(const char *name, const char *value)
{
	for (size_t i = 0; i < sizeof(fake_env) / sizeof(fake_env[0]); i++) {
		if (fake_env[i].name == NULL ||
		    strcmp(fake_env[i].name, name) == 0) {
			fake_env[i].name = name;
			fake_env[i].value = value;
			return;
		}
	}
	fail_msg("fake environment full");
}

static void
remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			char sub[1024];

			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			remove_tree(sub);
		}
		closedir(d);
		rmdir(path);
		return;
	}
	unlink(path);
}

static int
setup(void **state)
{
	(void)state;
	memset(fake_env, 0, sizeof(fake_env));
	strcpy(tmpdir, "/tmp/mmadm-conf-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	umask(022);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	remove_tree(tmpdir);
	return 0;
}

/* A path under the temp dir (four static buffers, rotated: copy it if
 * it must outlive the next few calls). */
static const char *
tpath(const char *rel)
{
	static char bufs[4][1024];
	static int next;
	char *b = bufs[next++ % 4];

	snprintf(b, sizeof(bufs[0]), "%s/%s", tmpdir, rel);
	return b;
}

static const char *
write_file(const char *rel, const char *text, mode_t mode)
{
	const char *path = tpath(rel);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static void
assert_contains(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", haystack, needle);
}

static const char *
load_fail(const char *path, enum mm_result kind)
{
	static struct mm_error err;
	struct mm_profiles p;

	mm_error_clear(&err);
	assert_int_equal(mm_profiles_load(path, &p, &err), kind);
	assert_int_equal(err.kind, kind);
	assert_null(p.v);
	assert_int_equal(p.n, 0);
	assert_null(p.active);
	return err.message;
}

static const char *
load_text_fail(const char *text)
{
	return load_fail(write_file("config.yaml", text, 0600), MM_ERR_CONFIG);
}

/* ---- path ---- */

static void
test_conf_path(void **state)
{
	struct mm_error err;
	char buf[256], small[16];

	(void)state;
	mm_error_clear(&err);
	env_set("HOME", "/home/ann");
	assert_int_equal(mm_conf_path(fake_getenv, buf, sizeof(buf), &err),
			 MM_OK);
	assert_string_equal(buf, "/home/ann/.config/mmadm/config.yaml");
	env_set("XDG_CONFIG_HOME", "/xdg/");
	assert_int_equal(mm_conf_path(fake_getenv, buf, sizeof(buf), &err),
			 MM_OK);
	assert_string_equal(buf, "/xdg/mmadm/config.yaml");
	/* Empty or relative XDG_CONFIG_HOME is ignored (XDG spec). */
	env_set("XDG_CONFIG_HOME", "");
	assert_int_equal(mm_conf_path(fake_getenv, buf, sizeof(buf), &err),
			 MM_OK);
	assert_string_equal(buf, "/home/ann/.config/mmadm/config.yaml");
	env_set("XDG_CONFIG_HOME", "rel/dir");
	assert_int_equal(mm_conf_path(fake_getenv, buf, sizeof(buf), &err),
			 MM_OK);
	assert_string_equal(buf, "/home/ann/.config/mmadm/config.yaml");
	/* Truncation is an error. */
	assert_int_equal(mm_conf_path(fake_getenv, small, sizeof(small), &err),
			 MM_ERR_CONFIG);
	/* No HOME. */
	env_set("HOME", "");
	assert_int_equal(mm_conf_path(fake_getenv, buf, sizeof(buf), &err),
			 MM_ERR_CONFIG);
	assert_string_equal(err.message, "cannot locate the profiles file: "
					 "set HOME or XDG_CONFIG_HOME");
	env_set("HOME", NULL);
	assert_int_equal(mm_conf_path(fake_getenv, buf, sizeof(buf), &err),
			 MM_ERR_CONFIG);
	env_set("HOME", "relative");
	assert_int_equal(mm_conf_path(fake_getenv, buf, sizeof(buf), &err),
			 MM_ERR_CONFIG);
	env_set("XDG_CONFIG_HOME", "/");
	assert_int_equal(mm_conf_path(fake_getenv, buf, sizeof(buf), &err),
			 MM_OK);
	assert_string_equal(buf, "/mmadm/config.yaml");
}

/* ---- names and the in-memory set ---- */

static void
test_name_valid(void **state)
{
	char long_name[80];

	(void)state;
	assert_true(mm_profile_name_valid("prod"));
	assert_true(mm_profile_name_valid("a"));
	assert_true(mm_profile_name_valid("Prod-2_eu.west"));
	memset(long_name, 'x', 64);
	long_name[64] = '\0';
	assert_true(mm_profile_name_valid(long_name));
	long_name[64] = 'x';
	long_name[65] = '\0';
	assert_false(mm_profile_name_valid(long_name));
	assert_false(mm_profile_name_valid(NULL));
	assert_false(mm_profile_name_valid(""));
	assert_false(mm_profile_name_valid("a b"));
	assert_false(mm_profile_name_valid("a/b"));
	assert_false(mm_profile_name_valid("a:b"));
	assert_false(mm_profile_name_valid("é"));
	assert_false(mm_profile_name_valid("a\n"));
}

static void
test_set_operations(void **state)
{
	struct mm_profiles p = {0};
	char url[] = "https://a.example.com", tok[] = "secret1";
	struct mm_profile a = {.name = "a", .url = url, .token = tok};
	struct mm_profile b = {.name = "b", .local = true};
	struct mm_profile *f;

	(void)state;
	assert_true(mm_profiles_put(&p, &a));
	assert_true(mm_profiles_put(&p, &b));
	assert_int_equal(p.n, 2);
	/* Deep copies: changing the source changes nothing. */
	url[8] = 'X';
	tok[0] = 'X';
	f = mm_profiles_find(&p, "a");
	assert_non_null(f);
	assert_string_equal(f->url, "https://a.example.com");
	assert_string_equal(f->token, "secret1");
	assert_ptr_not_equal(f->name, a.name);
	assert_null(mm_profiles_find(&p, "c"));
	assert_null(mm_profiles_find(&p, NULL));
	/* Replace keeps one entry. */
	a.url = "https://new.example.com";
	a.token = NULL;
	assert_true(mm_profiles_put(&p, &a));
	assert_int_equal(p.n, 2);
	f = mm_profiles_find(&p, "a");
	assert_string_equal(f->url, "https://new.example.com");
	assert_null(f->token);
	/* Putting an element of the set itself is safe. */
	assert_true(mm_profiles_put(&p, mm_profiles_find(&p, "b")));
	assert_int_equal(p.n, 2);
	assert_true(mm_profiles_find(&p, "b")->local);
	/* Active. */
	assert_false(mm_profiles_set_active(&p, "zzz"));
	assert_null(p.active);
	assert_true(mm_profiles_set_active(&p, "a"));
	assert_string_equal(p.active, "a");
	/* Removing another profile keeps it; removing it clears it. */
	assert_true(mm_profiles_remove(&p, "b"));
	assert_string_equal(p.active, "a");
	assert_false(mm_profiles_remove(&p, "b"));
	assert_true(mm_profiles_remove(&p, "a"));
	assert_null(p.active);
	assert_int_equal(p.n, 0);
	assert_true(mm_profiles_set_active(&p, NULL));
	assert_false(mm_profiles_put(&p, &(struct mm_profile){0}));
	mm_profiles_release(&p);
	mm_profiles_release(&p); /* idempotent */
	mm_profiles_release(NULL);
}

/* ---- save and load ---- */

/* Every character YAML could take for something else. */
static const char tricky_token[] =
	"a\"b\\c'd: #e &f *g !h |i >j %k @l `m {n} [o], ?p -q ~ "
	"--- ... \xc3\xa9\xe2\x9c\x93\xf0\x9f\x98\x80 \xe2\x80\xa8 "
	"\xef\xbb\xbf\xc2\x85 ";

static void
fill_sample(struct mm_profiles *p)
{
	struct mm_profile prod = {
		.name = "prod",
		.url = "https://chat.example.com",
		.username = "sysadmin",
		.auth = "password",
		.token = (char *)tricky_token,
	};
	struct mm_profile box = {
		.name = "box",
		.local = true,
		.socket = "/var/tmp/mm local.socket",
	};
	/* Values that would read back as other types unless quoted. */
	struct mm_profile odd = {
		.name = "true",
		.url = "null",
		.username = "  lead\ttab\nnewline\x7f\x01 ",
		.auth = "token",
		.token = "0x10",
		.socket = "",
	};
	struct mm_profile bare = {.name = "010"};

	memset(p, 0, sizeof(*p));
	assert_true(mm_profiles_put(p, &prod));
	assert_true(mm_profiles_put(p, &box));
	assert_true(mm_profiles_put(p, &odd));
	assert_true(mm_profiles_put(p, &bare));
	assert_true(mm_profiles_set_active(p, "prod"));
}

static void
assert_same_profile(const struct mm_profile *a, const struct mm_profile *b)
{
	assert_true(mm_streq(a->name, b->name));
	assert_true(mm_streq(a->url, b->url));
	assert_true(mm_streq(a->username, b->username));
	assert_true(mm_streq(a->auth, b->auth));
	assert_true(mm_streq(a->token, b->token));
	assert_true(mm_streq(a->socket, b->socket));
	assert_int_equal(a->local, b->local);
}

static size_t
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_round_trip(void **state)
{
	struct mm_profiles p, q;
	struct mm_error err;
	char path[1100];
	struct stat st;
	ino_t first;

	(void)state;
	snprintf(path, sizeof(path), "%s", tpath("x/y/mmadm/config.yaml"));
	fill_sample(&p);
	mm_error_clear(&err);
	if (mm_profiles_save(path, &p, &err) != MM_OK)
		fail_msg("save: %s", err.message);

	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	first = st.st_ino;
	/* Directories it created are 0700. */
	assert_int_equal(stat(tpath("x"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(tpath("x/y/mmadm"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	/* The temp dir itself was not touched. */
	assert_int_equal(stat(tmpdir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	/* No temp file left behind. */
	assert_int_equal(count_entries(tpath("x/y/mmadm")), 1);

	if (mm_profiles_load(path, &q, &err) != MM_OK)
		fail_msg("load: %s", err.message);
	assert_int_equal(q.n, p.n);
	for (size_t i = 0; i < p.n; i++)
		assert_same_profile(&p.v[i], &q.v[i]);
	assert_string_equal(q.active, "prod");
	assert_string_equal(mm_profiles_find(&q, "prod")->token, tricky_token);

	/* Save again over it: replaced atomically (a new inode). */
	assert_true(mm_profiles_remove(&q, "box"));
	assert_true(mm_profiles_set_active(&q, "true"));
	assert_int_equal(mm_profiles_save(path, &q, &err), MM_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_ino != first);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(count_entries(tpath("x/y/mmadm")), 1);
	mm_profiles_release(&p);
	if (mm_profiles_load(path, &p, &err) != MM_OK)
		fail_msg("load2: %s", err.message);
	assert_int_equal(p.n, 3);
	assert_null(mm_profiles_find(&p, "box"));
	assert_string_equal(p.active, "true");
	mm_profiles_release(&p);
	mm_profiles_release(&q);

	/* An empty set round-trips too. */
	assert_int_equal(mm_profiles_save(path, &q, &err), MM_OK);
	assert_int_equal(mm_profiles_load(path, &p, &err), MM_OK);
	assert_int_equal(p.n, 0);
	assert_null(p.active);
	mm_profiles_release(&p);
}

static void
test_save_existing_dir_mode_kept(void **state)
{
	struct mm_profiles p = {0};
	struct mm_error err;
	struct stat st;

	(void)state;
	assert_int_equal(mkdir(tpath("shared"), 0755), 0);
	mm_error_clear(&err);
	assert_int_equal(mm_profiles_save(tpath("shared/c.yaml"), &p, &err),
			 MM_OK);
	assert_int_equal(stat(tpath("shared"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	/* A relative path without a directory works as well. */
	assert_int_equal(chdir(tpath("shared")), 0);
	assert_int_equal(mm_profiles_save("rel.yaml", &p, &err), MM_OK);
	assert_int_equal(stat(tpath("shared/rel.yaml"), &st), 0);
	assert_int_equal(chdir("/"), 0);
}

/* Writers hold an flock on ".NAME.lock" from the load to the release. */
static void
test_load_for_update_locks(void **state)
{
	struct mm_profiles p;
	struct mm_error err;
	struct stat st;
	int fd;

	(void)state;
	mm_error_clear(&err);
	/* The directory is made as for a save; a missing file is empty. */
	assert_int_equal(
		mm_profiles_load_for_update(tpath("lk/sub/c.yaml"), &p, &err),
		MM_OK);
	assert_int_equal(p.n, 0);
	assert_int_equal(stat(tpath("lk/sub/.c.yaml.lock"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(tpath("lk/sub"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	fd = open(tpath("lk/sub/.c.yaml.lock"), O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	assert_int_equal(mm_profiles_save(tpath("lk/sub/c.yaml"), &p, &err),
			 MM_OK);
	mm_profiles_release(&p);
	assert_int_equal(p.lock, 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	close(fd);
	/* A file that fails to load leaves no lock behind. */
	assert_int_equal(chmod(tpath("lk/sub/c.yaml"), 0644), 0);
	assert_int_equal(
		mm_profiles_load_for_update(tpath("lk/sub/c.yaml"), &p, &err),
		MM_ERR_CONFIG);
	assert_int_equal(p.lock, 0);
	fd = open(tpath("lk/sub/.c.yaml.lock"), O_RDWR | O_CLOEXEC);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	close(fd);
}

static void
test_save_fixes_loose_file(void **state)
{
	struct mm_profiles p;
	struct mm_error err;
	const char *path = write_file("config.yaml", "profiles: {}\n", 0644);
	struct stat st;

	(void)state;
	fill_sample(&p);
	mm_error_clear(&err);
	assert_int_equal(mm_profiles_save(path, &p, &err), MM_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	mm_profiles_release(&p);
	assert_int_equal(mm_profiles_load(path, &p, &err), MM_OK);
	assert_int_equal(p.n, 4);
	mm_profiles_release(&p);
}

static void
test_save_failures(void **state)
{
	struct mm_profiles p = {0};
	struct mm_error err;
	struct mm_profile bad = {.name = "ok"};

	(void)state;
	mm_error_clear(&err);
	/* A path component that is a file. */
	write_file("file", "x", 0600);
	assert_int_equal(mm_profiles_save(tpath("file/sub/c.yaml"), &p, &err),
			 MM_ERR_IO);
	assert_contains(err.message, tpath("file"));
	assert_contains(err.message, "Not a directory");
	/* The target is a directory: rename fails, the temp file goes. */
	assert_int_equal(mkdir(tpath("d"), 0700), 0);
	assert_int_equal(mkdir(tpath("d/c.yaml"), 0700), 0);
	assert_int_equal(mm_profiles_save(tpath("d/c.yaml"), &p, &err),
			 MM_ERR_IO);
	assert_contains(err.message, tpath("d/c.yaml"));
	assert_int_equal(count_entries(tpath("d")), 1);
	/* Nothing load would refuse is ever written. */
	bad.auth = "magic";
	assert_true(mm_profiles_put(&p, &bad));
	assert_int_equal(mm_profiles_save(tpath("c.yaml"), &p, &err),
			 MM_ERR_CONFIG);
	bad.auth = NULL;
	bad.token = "line\nbreak";
	assert_true(mm_profiles_put(&p, &bad));
	assert_int_equal(mm_profiles_save(tpath("c.yaml"), &p, &err),
			 MM_ERR_CONFIG);
	bad.token = "\xff\xfe";
	assert_true(mm_profiles_put(&p, &bad));
	assert_int_equal(mm_profiles_save(tpath("c.yaml"), &p, &err),
			 MM_ERR_CONFIG);
	assert_contains(err.message, "UTF-8");
	assert_true(mm_profiles_remove(&p, "ok"));
	bad.token = NULL;
	bad.name = "bad name";
	assert_true(mm_profiles_put(&p, &bad));
	assert_int_equal(mm_profiles_save(tpath("c.yaml"), &p, &err),
			 MM_ERR_CONFIG);
	assert_contains(err.message, "invalid profile name");
	assert_int_equal(access(tpath("c.yaml"), F_OK), -1);
	mm_profiles_release(&p);
}

static void
test_load_missing_and_empty(void **state)
{
	struct mm_profiles p;
	struct mm_error err;

	(void)state;
	mm_error_clear(&err);
	assert_int_equal(mm_profiles_load(tpath("nope.yaml"), &p, &err), MM_OK);
	assert_int_equal(p.n, 0);
	assert_null(p.active);
	assert_int_equal(
		mm_profiles_load(write_file("e.yaml", "", 0600), &p, &err),
		MM_OK);
	assert_int_equal(p.n, 0);
	assert_int_equal(mm_profiles_load(write_file("n.yaml",
						     "# nothing\nactive: ~\n"
						     "profiles:\n",
						     0600),
					  &p, &err),
			 MM_OK);
	assert_int_equal(p.n, 0);
	assert_null(p.active);
}

static void
test_load_hand_written(void **state)
{
	struct mm_profiles p;
	struct mm_error err;
	const struct mm_profile *pr;
	const char *path =
		write_file("config.yaml",
			   "# hand written\r\n"
			   "active: prod\r\n"
			   "profiles:\r\n"
			   "  prod:\r\n"
			   "    url: https://chat.example.com\r\n"
			   "    username: sysadmin\r\n"
			   "    auth: password\r\n"
			   "    token: abcdefghijklmnopqrstuvwxyz\r\n"
			   "  box: {local: true, socket: "
			   "/var/tmp/mattermost_local.socket}\r\n"
			   "  nulls: {url: ~, local: ~}\r\n",
			   0600);

	(void)state;
	mm_error_clear(&err);
	assert_int_equal(mm_profiles_load(path, &p, &err), MM_OK);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.active, "prod");
	pr = mm_profiles_find(&p, "prod");
	assert_string_equal(pr->url, "https://chat.example.com");
	assert_string_equal(pr->username, "sysadmin");
	assert_string_equal(pr->auth, "password");
	assert_string_equal(pr->token, "abcdefghijklmnopqrstuvwxyz");
	assert_false(pr->local);
	assert_null(pr->socket);
	pr = mm_profiles_find(&p, "box");
	assert_true(pr->local);
	assert_string_equal(pr->socket, "/var/tmp/mattermost_local.socket");
	assert_null(pr->url);
	pr = mm_profiles_find(&p, "nulls");
	assert_null(pr->url);
	assert_false(pr->local);
	mm_profiles_release(&p);
}

static void
test_load_refuses_loose_modes(void **state)
{
	static const mode_t modes[] = {0644, 0640, 0604, 0620,
				       0660, 0602, 0666};
	char hint[1200];

	(void)state;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		const char *path =
			write_file("config.yaml", "profiles: {}\n", modes[i]);
		const char *m = load_fail(path, MM_ERR_CONFIG);

		snprintf(hint, sizeof(hint), "run: chmod 600 %s", path);
		assert_contains(m, hint);
		assert_true(strncmp(m, path, strlen(path)) == 0);
		assert_contains(m, "group or others");
	}
	/* 0400 is fine (read-only to its owner). */
	{
		struct mm_profiles p;
		struct mm_error err;

		mm_error_clear(&err);
		assert_int_equal(
			mm_profiles_load(write_file("ro.yaml", "", 0400), &p,
					 &err),
			MM_OK);
	}
}

static void
test_load_refuses_odd_files(void **state)
{
	const char *m;

	(void)state;
	assert_int_equal(mkdir(tpath("dir.yaml"), 0700), 0);
	m = load_fail(tpath("dir.yaml"), MM_ERR_CONFIG);
	assert_contains(m, "not a regular file");
	/* A FIFO must not hang the load. */
	assert_int_equal(mkfifo(tpath("fifo.yaml"), 0600), 0);
	m = load_fail(tpath("fifo.yaml"), MM_ERR_CONFIG);
	assert_contains(m, "not a regular file");
	/* A parent that is a file. */
	write_file("plain", "", 0600);
	load_fail(tpath("plain/config.yaml"), MM_ERR_IO);
}

static void
test_load_refuses_foreign_owner(void **state)
{
	const char *path = write_file("config.yaml", "", 0600);
	const char *m;

	(void)state;
	if (geteuid() != 0)
		skip(); /* needs chown */
	assert_int_equal(chown(path, 65534, 65534), 0);
	m = load_fail(path, MM_ERR_CONFIG);
	assert_contains(m, "owned by uid 65534");
	assert_contains(m, path);
	/* Owned by root is trusted. */
	assert_int_equal(chown(path, 0, 0), 0);
	{
		struct mm_profiles p;
		struct mm_error err;

		mm_error_clear(&err);
		assert_int_equal(mm_profiles_load(path, &p, &err), MM_OK);
	}
}

static void
test_load_size_cap(void **state)
{
	struct mm_buf b = MM_BUF_INIT;
	const char *m;

	(void)state;
	assert_true(mm_buf_puts(&b, "# "));
	while (b.len <= 1024 * 1024)
		assert_true(mm_buf_puts(&b, "padding padding padding\n# "));
	m = load_text_fail(mm_buf_str(&b));
	assert_contains(m, "larger than 1 MiB");
	mm_buf_release(&b);
}

static void
test_load_malformed(void **state)
{
	const char *m;
	char want[1100];

	(void)state;
	m = load_text_fail("active: prod\nprofiles:\n  prod:\n    url: [\n");
	snprintf(want, sizeof(want),
		 "%s: line 5, column 1: ", tpath("config.yaml"));
	assert_contains(m, want);
	m = load_text_fail("profiles:\n  prod:\n    url: x\n   bad: y\n");
	assert_contains(m, "line 4, column ");
	m = load_text_fail("profiles:\n  prod: {url: x}\n  prod: {url: y}\n");
	assert_contains(m, "line 3, column 3: duplicate key \"prod\"");
	m = load_text_fail("profiles:\n  prod:\n    token: a\n    token: b\n");
	assert_contains(m, "line 4, column 5: duplicate key \"token\"");
	m = load_text_fail("base: &b {url: x}\nprofiles:\n  p: *b\n");
	assert_contains(m, "line 1, column 7: anchors");
	m = load_text_fail("profiles:\n  p: {url: *x}\n");
	assert_contains(m, "aliases");
	m = load_text_fail("profiles: {}\n---\nprofiles: {}\n");
	assert_contains(m, "more than one document");
	{
		struct mm_buf b = MM_BUF_INIT;

		assert_true(mm_buf_puts(&b, "profiles: "));
		for (int i = 0; i < 600; i++)
			assert_true(mm_buf_putc(&b, '['));
		m = load_text_fail(mm_buf_str(&b));
		assert_contains(m, "nested deeper than 512");
		mm_buf_release(&b);
	}
}

static void
test_load_schema(void **state)
{
	const char *m;

	(void)state;
	m = load_text_fail("profiles:\n  prod:\n    url: https://x\n"
			   "    tokn: abc\n");
	assert_contains(m, "profile prod: unknown key \"tokn\"");
	assert_contains(m, "did you mean token?");
	assert_contains(load_text_fail("profiles: {}\nactiv: prod\n"),
			"unknown top-level key \"activ\"");
	assert_contains(load_text_fail("- a\n- b\n"), "expected a mapping");
	assert_contains(load_text_fail("just text\n"), "expected a mapping");
	/* Wrong types. */
	m = load_text_fail("profiles:\n  p:\n    username: 007\n");
	assert_contains(m, "profile p: username must be a string, not a "
			   "number (put it in quotes)");
	assert_contains(load_text_fail("profiles:\n  p: {url: true}\n"),
			"url must be a string, not a boolean");
	assert_contains(load_text_fail("profiles:\n  p: {token: [a]}\n"),
			"token must be a string, not a list");
	assert_contains(load_text_fail("profiles:\n  p: {local: \"true\"}\n"),
			"local must be true or false, not a string");
	assert_contains(load_text_fail("profiles:\n  p: {local: yes}\n"),
			"local must be true or false");
	assert_contains(load_text_fail("profiles:\n  p: {socket: 1}\n"),
			"socket must be a string");
	assert_contains(load_text_fail("profiles: [a, b]\n"),
			"profiles must be a mapping");
	assert_contains(load_text_fail("profiles:\n  p: https://x\n"),
			"profile p must be a mapping, not a string");
	assert_contains(load_text_fail("profiles:\n  p:\n"),
			"profile p must be a mapping, not a null");
	assert_contains(load_text_fail("active: 5\nprofiles: {}\n"),
			"active must be a profile name, not a number");
	assert_contains(load_text_fail("active: a b\nprofiles: {}\n"),
			"invalid profile name");
	/* Names and values. */
	assert_contains(load_text_fail("profiles:\n  \"bad name\": {}\n"),
			"invalid profile name \"bad name\"");
	assert_contains(load_text_fail("profiles:\n  p: {auth: magic}\n"),
			"auth must be password, token or local");
	assert_contains(load_text_fail("profiles:\n  p: {token: \"a\\nb\"}\n"),
			"profile p: the token contains control characters");
}

/* ---- URLs ---- */

static void
test_url_normalize(void **state)
{
	static const struct {
		const char *in, *out;
	} good[] = {
		{"https://chat.example.com", "https://chat.example.com"},
		{"https://chat.example.com/", "https://chat.example.com"},
		{"https://chat.example.com///", "https://chat.example.com"},
		{"HTTPS://Chat.Example.COM", "https://chat.example.com"},
		{"Http://h", "http://h"},
		{"http://h:8065/api/v4", "http://h:8065"},
		{"http://h:8065/api/v4/", "http://h:8065"},
		{"https://h/api/v4//", "https://h"},
		{"https://h/chat", "https://h/chat"},
		{"https://h/chat/", "https://h/chat"},
		{"https://h/chat/api/v4", "https://h/chat"},
		{"https://h/Chat/Sub", "https://h/Chat/Sub"},
		{"https://h/API/V4", "https://h/API/V4"},
		{"https://h/api/v44", "https://h/api/v44"},
		{"https://h/myapi/v4", "https://h/myapi/v4"},
		{"https://h:443/x", "https://h/x"},
		{"http://h:80", "http://h"},
		{"http://h:443", "http://h:443"},
		{"https://h:8443", "https://h:8443"},
		{"http://127.0.0.1:8065", "http://127.0.0.1:8065"},
		{"http://[::1]:8065/", "http://[::1]:8065"},
		{"http://[::1]", "http://[::1]"},
		{"https://xn--bcher-kva.example",
		 "https://xn--bcher-kva.example"},
	};
	static const struct {
		const char *in, *why;
	} bad[] = {
		{"", "empty"},
		{"chat.example.com", "http:// or https://"},
		{"ftp://h", "http:// or https://"},
		{"javascript:alert(1)", "http:// or https://"},
		{"unix:///var/tmp/s", "http:// or https://"},
		{"https//h", "http:// or https://"},
		{"https://", "no host"},
		{"https:///path", "no host"},
		{"https://:8065", "no host"},
		{"https://h?x=1", "query"},
		{"https://h/?access_token=abc", "query"},
		{"https://h#frag", "fragment"},
		{"https://h /x", "white space"},
		{" https://h", "white space"},
		{"https://h\n", "control"},
		{"https://h\t", "control"},
		{"https://h:0", "port"},
		{"https://h:65536", "port"},
		{"https://h:abc", "port"},
		{"https://h:", "port"},
		{"https://h:1:2", "port"},
		{"http://[::1", "host"},
		{"http://[::1]x", "host"},
		{"http://[]", "host"},
	};
	struct mm_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char *u;

		mm_error_clear(&err);
		u = mm_url_normalize(good[i].in, &err);
		if (u == NULL)
			fail_msg("%s: %s", good[i].in, err.message);
		if (strcmp(u, good[i].out) != 0)
			fail_msg("%s -> %s, want %s", good[i].in, u,
				 good[i].out);
		free(u);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mm_error_clear(&err);
		if (mm_url_normalize(bad[i].in, &err) != NULL)
			fail_msg("%s accepted", bad[i].in);
		assert_int_equal(err.kind, MM_ERR_USAGE);
		assert_contains(err.message, bad[i].why);
	}
	mm_error_clear(&err);
	assert_null(mm_url_normalize(NULL, &err));
	assert_int_equal(err.kind, MM_ERR_USAGE);
	/* Credentials are refused and never repeated in the message. */
	assert_null(mm_url_normalize("https://admin:hunter2@h/", &err));
	assert_int_equal(err.kind, MM_ERR_USAGE);
	assert_contains(err.message, "user name or password");
	assert_null(strstr(err.message, "hunter2"));
	assert_null(mm_url_normalize("https://tok@h", &err));
	assert_null(strstr(err.message, "tok@"));
	/* Nor is a query (it may hold a token). */
	assert_null(mm_url_normalize("https://h/?access_token=s3cret", &err));
	assert_null(strstr(err.message, "s3cret"));
	/* '@' in the path is not a credential. */
	{
		char *u = mm_url_normalize("https://h/@x", &err);

		assert_string_equal(u, "https://h/@x");
		free(u);
	}
}

static void
test_source_names(void **state)
{
	(void)state;
	assert_string_equal(mm_source_name(MM_SRC_FLAG), "flag");
	assert_string_equal(mm_source_name(MM_SRC_ENV), "environment");
	assert_string_equal(mm_source_name(MM_SRC_PROFILE), "profile");
	assert_string_equal(mm_source_name(MM_SRC_DEFAULT), "default");
	assert_string_equal(mm_source_name(MM_SRC_NONE), "none");
	assert_string_equal(mm_source_name((enum mm_source)99), "none");
}

/* ---- target resolution ---- */

static const char profiles_text[] =
	"active: prod\n"
	"profiles:\n"
	"  prod:\n"
	"    url: https://chat.example.com/\n"
	"    token: PRODTOKEN\n"
	"  stage:\n"
	"    url: HTTPS://Stage.Example.com/api/v4\n"
	"    token: STAGETOKEN\n"
	"  box:\n"
	"    local: true\n"
	"    socket: /run/mm.sock\n"
	"  boxdef:\n"
	"    local: true\n"
	"    token: NEVER\n"
	"    url: https://box.example.com\n"
	"  notoken:\n"
	"    url: https://nt.example.com\n"
	"  badurl:\n"
	"    url: ftp://x\n"
	"    token: BADTOKEN\n";

static const char *
profiles(void)
{
	return write_file("config.yaml", profiles_text, 0600);
}

/* A file that fails to load: proves it was not read. */
static const char *
poisoned(void)
{
	return write_file("poison.yaml", profiles_text, 0644);
}

static struct mm_error rerr;

static enum mm_result
resolve(const struct mm_target_flags *flags, const char *path,
	struct mm_target *t)
{
	enum mm_result rc;

	mm_error_clear(&rerr);
	rc = mm_target_resolve(flags, fake_getenv, path, t, &rerr);
	if (rc != MM_OK) {
		/* Failure leaves nothing behind. */
		assert_null(t->url);
		assert_null(t->token);
		assert_null(t->profile);
		assert_null(t->socket);
	}
	return rc;
}

static void
test_target_active_profile(void **state)
{
	struct mm_target t;

	(void)state;
	assert_int_equal(resolve(NULL, profiles(), &t), MM_OK);
	assert_string_equal(t.url, "https://chat.example.com");
	assert_string_equal(t.token, "PRODTOKEN");
	assert_string_equal(t.profile, "prod");
	assert_false(t.local);
	assert_null(t.socket);
	assert_int_equal(t.profile_src, MM_SRC_PROFILE);
	assert_int_equal(t.url_src, MM_SRC_PROFILE);
	assert_int_equal(t.token_src, MM_SRC_PROFILE);
	assert_int_equal(t.local_src, MM_SRC_DEFAULT);
	mm_target_release(&t);
	mm_target_release(&t);
	mm_target_release(NULL);
}

static void
test_target_profile_precedence(void **state)
{
	struct mm_target t;
	struct mm_target_flags f = {.profile = "stage"};
	const char *path = profiles();

	(void)state;
	/* --profile > active. */
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_string_equal(t.profile, "stage");
	assert_int_equal(t.profile_src, MM_SRC_FLAG);
	assert_string_equal(t.url, "https://stage.example.com");
	assert_string_equal(t.token, "STAGETOKEN");
	mm_target_release(&t);
	/* MMADM_PROFILE > active. */
	env_set("MMADM_PROFILE", "stage");
	assert_int_equal(resolve(NULL, path, &t), MM_OK);
	assert_string_equal(t.profile, "stage");
	assert_int_equal(t.profile_src, MM_SRC_ENV);
	mm_target_release(&t);
	/* --profile > MMADM_PROFILE. */
	f.profile = "prod";
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_string_equal(t.profile, "prod");
	assert_int_equal(t.profile_src, MM_SRC_FLAG);
	assert_string_equal(t.token, "PRODTOKEN");
	mm_target_release(&t);
	/* An empty MMADM_PROFILE is unset. */
	env_set("MMADM_PROFILE", "");
	assert_int_equal(resolve(NULL, path, &t), MM_OK);
	assert_string_equal(t.profile, "prod");
	assert_int_equal(t.profile_src, MM_SRC_PROFILE);
	mm_target_release(&t);
}

static void
test_target_named_missing(void **state)
{
	struct mm_target t;
	struct mm_target_flags f = {.profile = "nope"};
	const char *path = profiles();

	(void)state;
	assert_int_equal(resolve(&f, path, &t), MM_ERR_CONFIG);
	assert_string_equal(rerr.message,
			    "no profile named nope (see 'mmadm auth list')");
	f.profile = NULL;
	env_set("MMADM_PROFILE", "nope");
	assert_int_equal(resolve(&f, path, &t), MM_ERR_CONFIG);
	assert_string_equal(rerr.message,
			    "no profile named nope (see 'mmadm auth list')");
	/* Even when everything else is given, a named profile must exist. */
	env_set("MMADM_URL", "https://chat.example.com");
	env_set("MMADM_TOKEN", "t");
	assert_int_equal(resolve(&f, path, &t), MM_ERR_CONFIG);
	/* And with no file at all. */
	assert_int_equal(resolve(&f, tpath("missing.yaml"), &t), MM_ERR_CONFIG);
	assert_contains(rerr.message, "no profile named nope");
}

static void
test_target_stale_active(void **state)
{
	struct mm_target t;
	const char *path =
		write_file("config.yaml", "active: gone\nprofiles: {}\n", 0600);

	(void)state;
	assert_int_equal(resolve(NULL, path, &t), MM_ERR_CONFIG);
	assert_contains(rerr.message, "active profile gone does not exist");
}

static void
test_target_url_precedence(void **state)
{
	struct mm_target t;
	struct mm_target_flags f = {.url = "https://flag.example.com/"};
	const char *path = profiles();

	(void)state;
	/* --url > MMADM_URL > profile. */
	env_set("MMADM_URL", "https://env.example.com");
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_string_equal(t.url, "https://flag.example.com");
	assert_int_equal(t.url_src, MM_SRC_FLAG);
	mm_target_release(&t);
	assert_int_equal(resolve(NULL, path, &t), MM_OK);
	assert_string_equal(t.url, "https://env.example.com");
	assert_int_equal(t.url_src, MM_SRC_ENV);
	mm_target_release(&t);
	env_set("MMADM_URL", "");
	assert_int_equal(resolve(NULL, path, &t), MM_OK);
	assert_string_equal(t.url, "https://chat.example.com");
	assert_int_equal(t.url_src, MM_SRC_PROFILE);
	mm_target_release(&t);
}

static void
test_target_token_stays_home(void **state)
{
	static const char *const elsewhere[] = {
		"https://evil.example.com",
		"http://chat.example.com",       /* other scheme */
		"https://chat.example.com:8443", /* other port */
		"https://chat.example.com/sub",  /* other path */
		"https://chat.example.com.evil.example",
		"https://stage.example.com", /* another profile's URL */
	};
	struct mm_target t;
	struct mm_target_flags f = {0};
	const char *path = profiles();

	(void)state;
	for (size_t i = 0; i < sizeof(elsewhere) / sizeof(elsewhere[0]); i++) {
		f.url = elsewhere[i];
		assert_int_equal(resolve(&f, path, &t), MM_OK);
		assert_null(t.token);
		assert_int_equal(t.token_src, MM_SRC_NONE);
		assert_null(t.profile); /* the profile added nothing */
		mm_target_release(&t);
		/* Same through the environment. */
		env_set("MMADM_URL", elsewhere[i]);
		assert_int_equal(resolve(NULL, path, &t), MM_OK);
		assert_null(t.token);
		mm_target_release(&t);
		env_set("MMADM_URL", NULL);
	}
	/* The profile's own URL, spelt differently, does get it. */
	f.url = "HTTPS://CHAT.example.com:443/api/v4/";
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_string_equal(t.url, "https://chat.example.com");
	assert_string_equal(t.token, "PRODTOKEN");
	assert_int_equal(t.token_src, MM_SRC_PROFILE);
	assert_string_equal(t.profile, "prod");
	mm_target_release(&t);
	/* A named profile with another URL: still no token. */
	f.url = "https://evil.example.com";
	f.profile = "stage";
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_null(t.token);
	assert_string_equal(t.profile, "stage");
	mm_target_release(&t);
	/* A profile whose URL is broken matches nothing. */
	f.url = "https://x";
	f.profile = "badurl";
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_null(t.token);
	mm_target_release(&t);
}

static void
test_target_env_token(void **state)
{
	struct mm_target t;
	const char *path = profiles();

	(void)state;
	/* MMADM_TOKEN > profile token; the trailing newline goes. */
	env_set("MMADM_TOKEN", "envtok\n");
	assert_int_equal(resolve(NULL, path, &t), MM_OK);
	assert_string_equal(t.url, "https://chat.example.com");
	assert_string_equal(t.token, "envtok");
	assert_int_equal(t.token_src, MM_SRC_ENV);
	mm_target_release(&t);
	env_set("MMADM_TOKEN", "envtok\r\n");
	assert_int_equal(resolve(NULL, path, &t), MM_OK);
	assert_string_equal(t.token, "envtok");
	mm_target_release(&t);
	/* Empty (or only a newline) is unset. */
	env_set("MMADM_TOKEN", "\n");
	assert_int_equal(resolve(NULL, path, &t), MM_OK);
	assert_string_equal(t.token, "PRODTOKEN");
	mm_target_release(&t);
	/* A newline inside would forge HTTP headers. */
	env_set("MMADM_TOKEN", "a\r\nX-Evil: 1");
	assert_int_equal(resolve(NULL, path, &t), MM_ERR_USAGE);
	assert_contains(rerr.message, "MMADM_TOKEN");
	assert_null(strstr(rerr.message, "Evil"));
	/* The environment token goes wherever the URL says. */
	env_set("MMADM_TOKEN", "envtok");
	env_set("MMADM_URL", "https://other.example.com");
	assert_int_equal(resolve(NULL, path, &t), MM_OK);
	assert_string_equal(t.token, "envtok");
	mm_target_release(&t);
}

static void
test_target_lazy_load(void **state)
{
	struct mm_target t;
	struct mm_target_flags f = {0};
	const char *bad = poisoned();

	(void)state;
	/* The poisoned file does fail when read. */
	assert_int_equal(resolve(NULL, bad, &t), MM_ERR_CONFIG);
	assert_contains(rerr.message, "chmod 600");
	/* URL and token from the environment: not read. */
	env_set("MMADM_URL", "https://chat.example.com");
	env_set("MMADM_TOKEN", "tok");
	assert_int_equal(resolve(NULL, bad, &t), MM_OK);
	assert_null(t.profile);
	mm_target_release(&t);
	/* --url and MMADM_TOKEN: not read either. */
	env_set("MMADM_URL", NULL);
	f.url = "https://x.example.com";
	assert_int_equal(resolve(&f, bad, &t), MM_OK);
	mm_target_release(&t);
	/* A URL without a token: the profile might have one, so read. */
	env_set("MMADM_TOKEN", NULL);
	assert_int_equal(resolve(&f, bad, &t), MM_ERR_CONFIG);
	/* Local with a socket from flag or env: not read. */
	f.url = NULL;
	f.local = true;
	f.socket = "/s";
	assert_int_equal(resolve(&f, bad, &t), MM_OK);
	assert_string_equal(t.socket, "/s");
	mm_target_release(&t);
	f.socket = NULL;
	env_set("MMADM_LOCAL_SOCKET", "/e");
	assert_int_equal(resolve(&f, bad, &t), MM_OK);
	assert_string_equal(t.socket, "/e");
	mm_target_release(&t);
	/* Local without a socket: the profile might name one, so read. */
	env_set("MMADM_LOCAL_SOCKET", NULL);
	assert_int_equal(resolve(&f, bad, &t), MM_ERR_CONFIG);
	/* A named profile is always read. */
	f.socket = "/s";
	f.profile = "box";
	assert_int_equal(resolve(&f, bad, &t), MM_ERR_CONFIG);
	/* No HOME needed when nothing has to be read. */
	env_set("MMADM_URL", "https://chat.example.com");
	env_set("MMADM_TOKEN", "tok");
	assert_int_equal(resolve(NULL, NULL, &t), MM_OK);
	mm_target_release(&t);
	env_set("MMADM_TOKEN", NULL);
	assert_int_equal(resolve(NULL, NULL, &t), MM_ERR_CONFIG);
	assert_contains(rerr.message, "set HOME or XDG_CONFIG_HOME");
}

static void
test_target_default_path(void **state)
{
	struct mm_target t;
	char dir[1100];

	(void)state;
	/* With no explicit path, XDG_CONFIG_HOME/mmadm/config.yaml. */
	assert_int_equal(mkdir(tpath("mmadm"), 0700), 0);
	write_file("mmadm/config.yaml", profiles_text, 0600);
	snprintf(dir, sizeof(dir), "%s", tmpdir);
	env_set("XDG_CONFIG_HOME", dir);
	assert_int_equal(resolve(NULL, NULL, &t), MM_OK);
	assert_string_equal(t.profile, "prod");
	assert_string_equal(t.token, "PRODTOKEN");
	mm_target_release(&t);
}

static void
test_target_local(void **state)
{
	static const char *const yes[] = {"1",   "true", "TRUE", "yes",
					  "Yes", "on",   "ON"};
	static const char *const no[] = {"0",  "false", "False", "no",
					 "NO", "off",   ""};
	struct mm_target t;
	struct mm_target_flags f = {.local = true};
	const char *path = profiles();

	(void)state;
	/* --local: socket default, no URL and never a token. */
	env_set("MMADM_TOKEN", "envtok");
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_true(t.local);
	assert_int_equal(t.local_src, MM_SRC_FLAG);
	assert_null(t.url);
	assert_int_equal(t.url_src, MM_SRC_NONE);
	assert_null(t.token);
	assert_int_equal(t.token_src, MM_SRC_NONE);
	assert_string_equal(t.socket, MM_DEFAULT_SOCKET);
	assert_null(t.profile); /* prod added nothing */
	mm_target_release(&t);
	/* --local wins over a URL from flag and env. */
	f.url = "https://chat.example.com";
	env_set("MMADM_URL", "https://chat.example.com");
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_true(t.local);
	assert_null(t.url);
	assert_null(t.token);
	mm_target_release(&t);
	env_set("MMADM_URL", NULL);
	env_set("MMADM_TOKEN", NULL);
	f.url = NULL;
	/* MMADM_LOCAL. */
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		env_set("MMADM_LOCAL", yes[i]);
		assert_int_equal(resolve(NULL, path, &t), MM_OK);
		assert_true(t.local);
		assert_int_equal(t.local_src, MM_SRC_ENV);
		assert_null(t.token);
		mm_target_release(&t);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		env_set("MMADM_LOCAL", no[i]);
		assert_int_equal(resolve(NULL, path, &t), MM_OK);
		assert_false(t.local);
		assert_string_equal(t.url, "https://chat.example.com");
		mm_target_release(&t);
	}
	env_set("MMADM_LOCAL", "maybe");
	assert_int_equal(resolve(NULL, path, &t), MM_ERR_USAGE);
	assert_contains(rerr.message, "MMADM_LOCAL");
	/* The flag does not rescue a bad environment value. */
	assert_int_equal(resolve(&f, path, &t), MM_ERR_USAGE);
	env_set("MMADM_LOCAL", NULL);
}

static void
test_target_local_profile(void **state)
{
	struct mm_target t;
	struct mm_target_flags f = {.profile = "box"};
	const char *path = profiles();

	(void)state;
	/* A local profile: its socket. */
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_true(t.local);
	assert_int_equal(t.local_src, MM_SRC_PROFILE);
	assert_string_equal(t.socket, "/run/mm.sock");
	assert_string_equal(t.profile, "box");
	assert_null(t.url);
	mm_target_release(&t);
	/* Socket: --socket > named profile > MMADM_LOCAL_SOCKET > active
	 * profile > default. */
	env_set("MMADM_LOCAL_SOCKET", "/env.sock");
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_string_equal(t.socket, "/run/mm.sock");
	mm_target_release(&t);
	env_set("MMADM_PROFILE", "box");
	f.profile = NULL;
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_string_equal(t.socket, "/env.sock");
	mm_target_release(&t);
	env_set("MMADM_PROFILE", NULL);
	f.profile = "box";
	f.socket = "/flag.sock";
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_string_equal(t.socket, "/flag.sock");
	mm_target_release(&t);
	env_set("MMADM_LOCAL_SOCKET", NULL);
	f.socket = NULL;
	/* Local profile without a socket: the default; its token and URL
	 * are never used. */
	f.profile = "boxdef";
	env_set("MMADM_TOKEN", "envtok");
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_true(t.local);
	assert_string_equal(t.socket, MM_DEFAULT_SOCKET);
	assert_null(t.token);
	assert_null(t.url);
	mm_target_release(&t);
	env_set("MMADM_TOKEN", NULL);
	/* A URL from flag or env overrides the profile's local: true. */
	f.profile = "box";
	f.url = "https://x.example.com";
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_false(t.local);
	assert_string_equal(t.url, "https://x.example.com");
	assert_null(t.token);
	assert_null(t.socket);
	mm_target_release(&t);
	f.url = NULL;
	/* MMADM_URL does not: the profile was named on the command line. */
	env_set("MMADM_URL", "https://y.example.com");
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_true(t.local);
	assert_null(t.url);
	mm_target_release(&t);
	/* ... but it does over a profile chosen by MMADM_PROFILE. */
	env_set("MMADM_PROFILE", "box");
	f.profile = NULL;
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_false(t.local);
	assert_string_equal(t.url, "https://y.example.com");
	mm_target_release(&t);
	env_set("MMADM_PROFILE", NULL);
	f.profile = "box";
	/* ... and MMADM_LOCAL=0 does not: it only says "not from env". */
	env_set("MMADM_URL", NULL);
	env_set("MMADM_LOCAL", "0");
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_true(t.local);
	assert_int_equal(t.local_src, MM_SRC_PROFILE);
	mm_target_release(&t);
}

/* --profile NAME is a choice made now: the profile's server and token
 * outrank MMADM_URL, MMADM_TOKEN and MMADM_LOCAL; the flags outrank it. */
static void
test_target_named_profile_beats_env(void **state)
{
	struct mm_target t;
	struct mm_target_flags f = {.profile = "stage"};
	const char *path = profiles();

	(void)state;
	env_set("MMADM_URL", "https://dev.example.com");
	env_set("MMADM_TOKEN", "DEVTOKEN");
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_string_equal(t.url, "https://stage.example.com");
	assert_int_equal(t.url_src, MM_SRC_PROFILE);
	assert_string_equal(t.token, "STAGETOKEN");
	assert_int_equal(t.token_src, MM_SRC_PROFILE);
	mm_target_release(&t);
	/* Without --profile the environment still wins over the active one. */
	assert_int_equal(resolve(NULL, path, &t), MM_OK);
	assert_string_equal(t.url, "https://dev.example.com");
	assert_string_equal(t.token, "DEVTOKEN");
	mm_target_release(&t);
	/* The token that came with MMADM_URL never follows the profile's
	 * URL, even when the profile has no token of its own. */
	f.profile = "notoken";
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_string_equal(t.url, "https://nt.example.com");
	assert_null(t.token);
	mm_target_release(&t);
	/* Without MMADM_URL, MMADM_TOKEN fills a profile that has none ... */
	env_set("MMADM_URL", NULL);
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_string_equal(t.token, "DEVTOKEN");
	assert_int_equal(t.token_src, MM_SRC_ENV);
	mm_target_release(&t);
	/* ... but not one that has its own. */
	f.profile = "stage";
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_string_equal(t.token, "STAGETOKEN");
	mm_target_release(&t);
	/* MMADM_LOCAL=1 does not turn a URL profile into the socket. */
	env_set("MMADM_LOCAL", "1");
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_false(t.local);
	assert_string_equal(t.url, "https://stage.example.com");
	mm_target_release(&t);
	/* --url and --local still outrank the profile. */
	f.local = true;
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_true(t.local);
	assert_null(t.token);
	mm_target_release(&t);
	f.local = false;
	env_set("MMADM_LOCAL", NULL);
	f.url = "https://flag.example.com";
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_string_equal(t.url, "https://flag.example.com");
	assert_string_equal(t.token, "DEVTOKEN"); /* as before: no MMADM_URL */
	mm_target_release(&t);
	/* The profile's socket outranks MMADM_LOCAL_SOCKET; without one,
	 * the environment's applies. */
	f.url = NULL;
	f.profile = "box";
	env_set("MMADM_LOCAL_SOCKET", "/env.sock");
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_string_equal(t.socket, "/run/mm.sock");
	mm_target_release(&t);
	f.profile = "boxdef";
	assert_int_equal(resolve(&f, path, &t), MM_OK);
	assert_string_equal(t.socket, "/env.sock");
	mm_target_release(&t);
}

static void
test_target_no_server(void **state)
{
	struct mm_target t;
	struct mm_target_flags f = {.profile = "box"};

	(void)state;
	assert_int_equal(resolve(NULL, tpath("missing.yaml"), &t),
			 MM_ERR_CONFIG);
	assert_string_equal(rerr.message,
			    "no server given: use --url URL, MMADM_URL, "
			    "--local or 'mmadm auth login URL'");
	/* A file with no active profile. */
	assert_int_equal(
		resolve(NULL,
			write_file("c.yaml",
				   "profiles:\n  a: {url: https://a}\n", 0600),
			&t),
		MM_ERR_CONFIG);
	assert_contains(rerr.message, "no server given");
	/* A token alone is not a server. */
	env_set("MMADM_TOKEN", "tok");
	assert_int_equal(resolve(NULL, tpath("missing.yaml"), &t),
			 MM_ERR_CONFIG);
	/* A profile without a URL that is not local. */
	assert_int_equal(
		resolve(&f,
			write_file("d.yaml", "profiles:\n  box: {}\n", 0600),
			&t),
		MM_ERR_CONFIG);
	assert_contains(rerr.message, "no server given");
}

static void
test_target_bad_urls(void **state)
{
	struct mm_target t;
	struct mm_target_flags f = {.url = "ftp://x"};
	const char *path = profiles();

	(void)state;
	assert_int_equal(resolve(&f, path, &t), MM_ERR_USAGE);
	assert_true(strncmp(rerr.message, "--url: ", 7) == 0);
	f.url = NULL;
	env_set("MMADM_URL", "https://u:p@x");
	assert_int_equal(resolve(&f, path, &t), MM_ERR_USAGE);
	assert_true(strncmp(rerr.message, "MMADM_URL: ", 11) == 0);
	env_set("MMADM_URL", NULL);
	f.profile = "badurl";
	assert_int_equal(resolve(&f, path, &t), MM_ERR_CONFIG);
	assert_true(strncmp(rerr.message, "profile badurl: ", 16) == 0);
	/* An empty --url is an error, not "unset". */
	f.profile = NULL;
	f.url = "";
	assert_int_equal(resolve(&f, path, &t), MM_ERR_USAGE);
}

static void
test_target_profile_without_token(void **state)
{
	struct mm_target t;
	struct mm_target_flags f = {.profile = "notoken"};

	(void)state;
	assert_int_equal(resolve(&f, profiles(), &t), MM_OK);
	assert_string_equal(t.url, "https://nt.example.com");
	assert_null(t.token);
	assert_int_equal(t.token_src, MM_SRC_NONE);
	mm_target_release(&t);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_conf_path),
		T(test_name_valid),
		T(test_set_operations),
		T(test_round_trip),
		T(test_save_existing_dir_mode_kept),
		T(test_load_for_update_locks),
		T(test_save_fixes_loose_file),
		T(test_save_failures),
		T(test_load_missing_and_empty),
		T(test_load_hand_written),
		T(test_load_refuses_loose_modes),
		T(test_load_refuses_odd_files),
		T(test_load_refuses_foreign_owner),
		T(test_load_size_cap),
		T(test_load_malformed),
		T(test_load_schema),
		T(test_url_normalize),
		T(test_source_names),
		T(test_target_active_profile),
		T(test_target_profile_precedence),
		T(test_target_named_missing),
		T(test_target_stale_active),
		T(test_target_url_precedence),
		T(test_target_token_stays_home),
		T(test_target_env_token),
		T(test_target_lazy_load),
		T(test_target_default_path),
		T(test_target_local),
		T(test_target_local_profile),
		T(test_target_named_profile_beats_env),
		T(test_target_no_server),
		T(test_target_bad_urls),
		T(test_target_profile_without_token),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
