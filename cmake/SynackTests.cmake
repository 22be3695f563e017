# synack_add_tests(): .pkt scripts as ctest tests, one per script and IP
# variant, each a `synack run` of that one variant, so that ctest -j,
# --repeat, -L, -R, CDash and ctest's sharding work on them as on any test.
#
#   find_package(synack REQUIRED)
#   synack_add_tests(DIRECTORY dir
#                    [VARIANTS ipv4 ipv6 ipv4-mapped-ipv6]
#                    [BACKEND kernel|stack]
#                    [LABELS label...]
#                    [TIMEOUT seconds]
#                    [ARGS synack-run-option...])
#
# DIRECTORY is searched for *.pkt, recursively. Each script runs in
# packetdrill's variants for its name (`synack help run`), those of VARIANTS
# only when given. BACKEND is synack's --backend (default kernel, which
# needs root; stack needs nothing). ARGS go to each `synack run`.
#
# A test is named "synack:NAME (VARIANT)", NAME being the script's path under
# DIRECTORY after DIRECTORY's own name ("synack:scripts/close/a.pkt (ipv4)"),
# and labelled with the variant, the backend, NAME's directory
# ("scripts/close") and LABELS. Its timeout is 60 seconds and twice the
# script's length, as `synack list` tells it, else TIMEOUT (default 300):
# synack itself stops the run then (--timeout), with its diagnostics, and
# ctest 30 seconds later.
#
# The runs are listed when CMake configures; a script added, removed or
# changed makes the build configure again.
include_guard(GLOBAL)

function(synack_add_tests)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "DIRECTORY;BACKEND;TIMEOUT"
    "VARIANTS;LABELS;ARGS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "synack_add_tests: unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_DIRECTORY)
    message(FATAL_ERROR "synack_add_tests: DIRECTORY is required")
  endif()
  get_filename_component(dir "${ARG_DIRECTORY}" ABSOLUTE
    BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT IS_DIRECTORY "${dir}")
    message(FATAL_ERROR "synack_add_tests: ${dir} is not a directory")
  endif()
  if(NOT ARG_BACKEND)
    set(ARG_BACKEND kernel)
  endif()
  if(NOT ARG_BACKEND MATCHES "^(kernel|stack)$")
    message(FATAL_ERROR "synack_add_tests: BACKEND is kernel or stack, not ${ARG_BACKEND}")
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set(variant_flags "")
  foreach(variant IN LISTS ARG_VARIANTS)
    if(variant STREQUAL "ipv4")
      list(APPEND variant_flags -4)
    elseif(variant STREQUAL "ipv6")
      list(APPEND variant_flags -6)
    elseif(variant STREQUAL "ipv4-mapped-ipv6")
      list(APPEND variant_flags --ipv4-mapped)
    else()
      message(FATAL_ERROR "synack_add_tests: VARIANTS are ipv4, ipv6 and ipv4-mapped-ipv6, not ${variant}")
    endif()
  endforeach()

  # The program's path now, for `synack list`; the tests name the target.
  get_target_property(synack synack::synack LOCATION)
  execute_process(COMMAND "${synack}" list ${variant_flags} "${dir}"
    OUTPUT_VARIABLE listing ERROR_VARIABLE errors RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "synack_add_tests: synack list ${dir} failed (${status}):\n${errors}")
  endif()
  # Configure again when a script comes, goes or changes length.
  file(GLOB_RECURSE scripts CONFIGURE_DEPENDS "${dir}/*.pkt")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${scripts})

  string(REPLACE "\n" ";" lines "${listing}")
  set(count 0)
  foreach(line IN LISTS lines)
    if(line STREQUAL "")
      continue()
    endif()
    # NAME, VARIANT, SECONDS (or "-"), PATH: `synack help list`.
    string(REPLACE "\t" ";" fields "${line}")
    list(GET fields 0 name)
    list(GET fields 1 variant)
    list(GET fields 2 seconds)
    list(GET fields 3 path)
    if(variant STREQUAL "ipv4")
      set(flag -4)
    elseif(variant STREQUAL "ipv6")
      set(flag -6)
    else()
      set(flag --ipv4-mapped)
    endif()
    if(seconds STREQUAL "-")
      set(timeout ${ARG_TIMEOUT})
    else()
      math(EXPR timeout "60 + 2 * ${seconds}")
    endif()
    math(EXPR ctest_timeout "${timeout} + 30")
    get_filename_component(name_dir "${name}" DIRECTORY)
    set(test "synack:${name} (${variant})")
    add_test(NAME "${test}"
      COMMAND synack::synack run ${flag} --backend=${ARG_BACKEND}
              --timeout=${timeout} ${ARG_ARGS} "${path}")
    set(labels ${variant} ${ARG_BACKEND} ${name_dir} ${ARG_LABELS})
    set_tests_properties("${test}" PROPERTIES
      LABELS "${labels}" TIMEOUT ${ctest_timeout})
    math(EXPR count "${count} + 1")
  endforeach()
  if(count EQUAL 0)
    message(WARNING "synack_add_tests: no runs in ${dir}")
  endif()
endfunction()
