# winmc's CMake package (docs/build.md).
#
#   find_package(winmc CONFIG REQUIRED)        # -Dwinmc_DIR=$(npx winmc --cmake-dir)
#   add_executable(app main.c)
#   winmc_add_messages(app SOURCES msgs.mc events.man [OPTIONS -u …] [HEADER_DIR dir])
#
# Each source (.mc message text file or .man instrumentation manifest, told apart by content) is
# compiled by winmc at build time into a header, a .rc script and its message tables (and for a
# manifest the WEVT_TEMPLATE). The headers' directory goes on the target's include path, the .rc
# is compiled into the target by the toolchain's own RC compiler (windres for mingw-w64, llvm-rc
# or rc for clang-cl and MSVC), and the compile reruns when the source, a --header-template or
# winmc itself changes (winmc --depfile, read through add_custom_command's DEPFILE).
#
# winmc runs as `node <this package>/bin/winmc.js`, node found by find_program (through `cmake -E
# env --unset=NODE_EXTRA_CA_CERTS` when the configuring environment sets that variable), unless
# WINMC_EXECUTABLE (a CMake variable or an environment variable; a command, possibly with
# arguments as a CMake list) names another winmc.
#
# Variables set: winmc_FOUND, winmc_VERSION, WINMC_COMMAND (the command run, a list),
# WINMC_NODE_EXECUTABLE (when node is used).

if(CMAKE_VERSION VERSION_LESS 3.20)
  set(winmc_FOUND FALSE)
  set(winmc_NOT_FOUND_MESSAGE "winmc_add_messages needs CMake 3.20 or newer (DEPFILE with every generator), this is ${CMAKE_VERSION}")
  return()
endif()

get_filename_component(_winmc_package_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)

if(DEFINED WINMC_EXECUTABLE AND NOT "${WINMC_EXECUTABLE}" STREQUAL "")
  set(WINMC_COMMAND ${WINMC_EXECUTABLE})
  set(_winmc_tool_depends "")
elseif(DEFINED ENV{WINMC_EXECUTABLE} AND NOT "$ENV{WINMC_EXECUTABLE}" STREQUAL "")
  separate_arguments(WINMC_COMMAND NATIVE_COMMAND "$ENV{WINMC_EXECUTABLE}")
  set(_winmc_tool_depends "")
else()
  find_program(WINMC_NODE_EXECUTABLE NAMES node nodejs DOC "Node.js, which runs winmc")
  if(NOT WINMC_NODE_EXECUTABLE)
    set(winmc_FOUND FALSE)
    set(winmc_NOT_FOUND_MESSAGE "node not found: winmc runs on Node.js 20 or newer (set WINMC_NODE_EXECUTABLE, or WINMC_EXECUTABLE to a winmc command)")
    return()
  endif()
  set(WINMC_COMMAND "${WINMC_NODE_EXECUTABLE}" "${_winmc_package_root}/bin/winmc.js")
  # NODE_EXTRA_CA_CERTS makes node read and parse that certificate bundle at every start, before
  # any script runs (about 80 ms a process in docs/performance.md, against 15 for `cmake -E env`);
  # winmc opens no network connection, so a build configured where it is set runs winmc without it.
  if(DEFINED ENV{NODE_EXTRA_CA_CERTS})
    set(WINMC_COMMAND "${CMAKE_COMMAND}" -E env --unset=NODE_EXTRA_CA_CERTS ${WINMC_COMMAND})
  endif()
  # A rebuilt or upgraded winmc recompiles the messages.
  set(_winmc_tool_depends "${_winmc_package_root}/bin/winmc.js" "${_winmc_package_root}/package.json")
endif()

execute_process(
  COMMAND ${WINMC_COMMAND} --version
  OUTPUT_VARIABLE winmc_VERSION
  ERROR_VARIABLE _winmc_error
  RESULT_VARIABLE _winmc_result
  OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _winmc_result EQUAL 0)
  set(winmc_FOUND FALSE)
  string(REPLACE ";" " " _winmc_shown "${WINMC_COMMAND}")
  set(winmc_NOT_FOUND_MESSAGE "'${_winmc_shown} --version' failed (${_winmc_result}): ${_winmc_error}")
  return()
endif()
set(winmc_FOUND TRUE)
# Kept globally: winmc_add_messages may be called in a directory that did not find the package.
set_property(GLOBAL PROPERTY WINMC_COMMAND "${WINMC_COMMAND}")
set_property(GLOBAL PROPERTY WINMC_TOOL_DEPENDS "${_winmc_tool_depends}")

# winmc_add_messages(<target> SOURCES <file>… [OPTIONS <switch>…] [HEADER_DIR <dir>])
#
#   SOURCES     .mc and .man files, relative to the current source directory
#   OPTIONS     winmc/mc.exe switches for every source (-u, -c, -um, --compat sdk8.1,
#               --header-template FILE relative to the source directory, …); -h and -r are
#               set by this function
#   HEADER_DIR  where the headers (and -cs C# files) go, relative to the current binary
#               directory (default: winmc/<target>/include); it is added to the target's
#               include directories (PRIVATE)
#
# The .rc script and message tables of each source go into winmc/<target>/res/<source name>/,
# one directory per source since the MSGnnnnn.bin names repeat from file to file.
function(winmc_add_messages target)
  cmake_parse_arguments(PARSE_ARGV 1 _wm "" "HEADER_DIR" "SOURCES;OPTIONS")
  get_property(_wm_command GLOBAL PROPERTY WINMC_COMMAND)
  get_property(_wm_tool_depends GLOBAL PROPERTY WINMC_TOOL_DEPENDS)
  if(_wm_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "winmc_add_messages(${target}): unexpected arguments: ${_wm_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET "${target}")
    message(FATAL_ERROR "winmc_add_messages(${target}): no target named ${target} (call it after add_executable or add_library)")
  endif()
  if(NOT _wm_SOURCES)
    message(FATAL_ERROR "winmc_add_messages(${target}): SOURCES names no file")
  endif()
  get_property(_wm_languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  if(NOT "RC" IN_LIST _wm_languages)
    message(FATAL_ERROR "winmc_add_messages(${target}): the RC language is not enabled; add RC to project(… LANGUAGES C RC) or call enable_language(RC) (a Windows toolchain: mingw-w64, clang-cl or MSVC)")
  endif()

  set(_wm_root "${CMAKE_CURRENT_BINARY_DIR}/winmc/${target}")
  if(DEFINED _wm_HEADER_DIR)
    get_filename_component(_wm_header_dir "${_wm_HEADER_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  else()
    set(_wm_header_dir "${_wm_root}/include")
  endif()

  # A --header-template is named relative to the source directory, as the sources are.
  set(_wm_options "")
  set(_wm_next_is_template FALSE)
  foreach(_wm_option IN LISTS _wm_OPTIONS)
    if(_wm_next_is_template)
      get_filename_component(_wm_option "${_wm_option}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
      set(_wm_next_is_template FALSE)
    elseif(_wm_option STREQUAL "--header-template")
      set(_wm_next_is_template TRUE)
    endif()
    list(APPEND _wm_options "${_wm_option}")
  endforeach()

  set(_wm_headers "")
  set(_wm_scripts "")
  foreach(_wm_source IN LISTS _wm_SOURCES)
    get_filename_component(_wm_input "${_wm_source}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    get_filename_component(_wm_name "${_wm_input}" NAME)
    set(_wm_res_dir "${_wm_root}/res/${_wm_name}")
    set(_wm_depfile "${_wm_root}/res/${_wm_name}.d")
    set(_wm_args ${_wm_options} -h "${_wm_header_dir}" -r "${_wm_res_dir}")

    # The outputs' names: the header's depends on -z/-e/-cs, the .bin names on the languages
    # inside the file, so winmc works them out (and reports a broken source now).
    execute_process(
      COMMAND ${_wm_command} compile --list-outputs ${_wm_args} "${_wm_input}"
      OUTPUT_VARIABLE _wm_listed
      ERROR_VARIABLE _wm_error
      RESULT_VARIABLE _wm_result)
    if(NOT _wm_result EQUAL 0)
      message(FATAL_ERROR "winmc_add_messages(${target}): winmc could not compile ${_wm_source}:\n${_wm_error}")
    endif()
    string(REGEX REPLACE "\r?\n$" "" _wm_listed "${_wm_listed}")
    string(REGEX REPLACE "\r?\n" ";" _wm_listed "${_wm_listed}")

    # Declared as outputs: the headers and the .rc (a language added to or dropped from the file
    # changes the .bin names, which are written with the .rc and need no rule of their own).
    set(_wm_outputs "")
    set(_wm_rc "")
    foreach(_wm_path IN LISTS _wm_listed)
      file(TO_CMAKE_PATH "${_wm_path}" _wm_path)
      get_filename_component(_wm_path "${_wm_path}" ABSOLUTE)
      get_filename_component(_wm_dir "${_wm_path}" DIRECTORY)
      if(_wm_path MATCHES "\\.rc$")
        set(_wm_rc "${_wm_path}")
      elseif(_wm_dir STREQUAL _wm_header_dir)
        list(APPEND _wm_outputs "${_wm_path}")
        list(APPEND _wm_headers "${_wm_path}")
      elseif(_wm_path MATCHES "\\.(res|dll|dbg)$")
        list(APPEND _wm_outputs "${_wm_path}")
      endif()
    endforeach()
    if(_wm_rc STREQUAL "")
      message(FATAL_ERROR "winmc_add_messages(${target}): winmc lists no .rc for ${_wm_source}: ${_wm_listed}")
    endif()
    list(APPEND _wm_outputs "${_wm_rc}")
    list(APPEND _wm_scripts "${_wm_rc}")
    # Ninja refuses a depfile naming an output the rule does not declare (the .bin files).
    set(_wm_targets "")
    foreach(_wm_output IN LISTS _wm_outputs)
      list(APPEND _wm_targets --depfile-target "${_wm_output}")
    endforeach()

    add_custom_command(
      OUTPUT ${_wm_outputs}
      COMMAND ${_wm_command} compile ${_wm_args} --depfile "${_wm_depfile}" ${_wm_targets} "${_wm_input}"
      MAIN_DEPENDENCY "${_wm_input}"
      DEPENDS ${_wm_tool_depends}
      DEPFILE "${_wm_depfile}"
      COMMENT "winmc: compiling ${_wm_source}"
      VERBATIM)
    # The RC compiler finds the MSGnnnnn.bin files beside the .rc; the include path says so
    # for the RC compilers that look only there.
    set_property(SOURCE "${_wm_rc}" APPEND PROPERTY INCLUDE_DIRECTORIES "${_wm_res_dir}")
  endforeach()

  set_source_files_properties(${_wm_headers} PROPERTIES HEADER_FILE_ONLY TRUE)
  target_sources("${target}" PRIVATE ${_wm_headers} ${_wm_scripts})
  target_include_directories("${target}" PRIVATE "${_wm_header_dir}")
endfunction()
