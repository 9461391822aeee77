# build.needed-libs: the optional libraries must not come back into the
# binary's NEEDED list. libedit, libjq and libwslay are opened on first use
# (src/util/dl.c); libyaml is linked statically when libyaml.a exists.
#   cmake -DREADELF=/usr/bin/readelf -DBINARY=build/mmadm [-DALLOW_YAML=1]
#         -P needed_libs.cmake
# ALLOW_YAML: the build found no libyaml.a and linked the shared one.
if(NOT READELF OR NOT BINARY)
  message(FATAL_ERROR "usage: cmake -DREADELF=... -DBINARY=... -P ${CMAKE_CURRENT_LIST_FILE}")
endif()
execute_process(COMMAND ${READELF} -d ${BINARY} OUTPUT_VARIABLE dyn
                RESULT_VARIABLE rv)
if(NOT rv EQUAL 0)
  message(FATAL_ERROR "${READELF} -d ${BINARY} failed (${rv})")
endif()
string(REGEX MATCHALL "\\(NEEDED\\)[^\n]*\\[[^]\n]*\\]" lines "${dyn}")
set(needed "")
foreach(l IN LISTS lines)
  string(REGEX REPLACE ".*\\[([^]]*)\\]" "\\1" lib "${l}")
  list(APPEND needed ${lib})
endforeach()
message(STATUS "NEEDED: ${needed}")
set(bad "")
foreach(lib IN LISTS needed)
  if(lib MATCHES "^lib(edit|jq|wslay)[-.]" OR
     (lib MATCHES "^libyaml[-.]" AND NOT ALLOW_YAML))
    list(APPEND bad ${lib})
  endif()
endforeach()
if(bad)
  message(FATAL_ERROR "mmadm links ${bad} at start-up: libedit, libjq and "
                      "libwslay must be loaded with mm_dl_load (mmadm/dl.h), "
                      "libyaml linked statically")
endif()
