# `cmake --install build [--prefix P]`: the compiler, the runtime and a CMake
# package, laid out so that an installed taskc finds the runtime next to it:
#   P/bin/taskc  P/include/taskrt/  P/lib/libtaskrt.a  P/lib/cmake/taskc/
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# taskc looks for ../include and ../lib next to itself: keep them there.
set(CMAKE_INSTALL_LIBDIR lib)
set(config_dir lib/cmake/taskc)

install(TARGETS taskc EXPORT taskcTargets RUNTIME DESTINATION bin)
install(TARGETS taskrt EXPORT taskcTargets ARCHIVE DESTINATION lib INCLUDES DESTINATION include)
install(DIRECTORY runtime/include/taskrt DESTINATION include)
install(EXPORT taskcTargets NAMESPACE taskc:: DESTINATION ${config_dir})

configure_package_config_file(cmake/taskcConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/taskcConfig.cmake
  INSTALL_DESTINATION ${config_dir})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/taskcConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/taskcConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/taskcConfigVersion.cmake
  cmake/taskcGenerate.cmake DESTINATION ${config_dir})
