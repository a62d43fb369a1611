# taskc_generate(TARGET <target> SOURCES <file.task>... [MAIN] [MPI] [NAMESPACE <name>])
#
# For each .task file, runs `taskc emit-cpp` at build time and adds the
# generated .cpp to <target>. The header, <build>/taskc_generated/<name>.hpp,
# declares each task and flow as a taskrt::Task<T> function and each flow as a
# blocking `run_<flow>(taskrt::Runtime&, …)`, in namespace <name>, the file's
# stem as a C identifier (my-app.task: my_app), or NAMESPACE when given (one
# source only; needed when the stem is a C library name, as for pipe.task,
# which taskc refuses as a namespace). Headers the .task files
# `import` are searched next to them. Without MAIN the generated code has no
# main(): the target's own code calls the flows. With MPI (and MAIN) the
# target links Open MPI as `taskc build --mpi` does: under mpirun, rank 0 runs
# main and the other ranks run its `in process` calls (docs/cluster.md).
function(taskc_generate)
  cmake_parse_arguments(PARSE_ARGV 0 arg "MAIN;MPI" "TARGET;NAMESPACE" "SOURCES")
  if(NOT arg_TARGET OR NOT arg_SOURCES)
    message(FATAL_ERROR
      "taskc_generate: usage: taskc_generate(TARGET <target> SOURCES <file.task>... [MAIN] [MPI] [NAMESPACE <name>])")
  endif()
  list(LENGTH arg_SOURCES source_count)
  if(arg_NAMESPACE AND NOT source_count EQUAL 1)
    message(FATAL_ERROR "taskc_generate: NAMESPACE names the namespace of one .task file; call it once per file")
  endif()
  if(NOT TARGET ${arg_TARGET})
    message(FATAL_ERROR "taskc_generate: `${arg_TARGET}` is not a target")
  endif()
  set(no_main --no-main)
  if(arg_MAIN)
    set(no_main "")
  endif()
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/taskc_generated)
  foreach(source IN LISTS arg_SOURCES)
    get_filename_component(path ${source} ABSOLUTE)
    get_filename_component(stem ${source} NAME_WE)
    get_filename_component(source_dir ${path} DIRECTORY)
    string(MAKE_C_IDENTIFIER ${stem} name)
    if(arg_NAMESPACE)
      set(name ${arg_NAMESPACE})
    endif()
    add_custom_command(
      OUTPUT ${out_dir}/${name}.hpp ${out_dir}/${name}.cpp
      COMMAND taskc::taskc emit-cpp ${path} -o ${out_dir} --namespace ${name} ${no_main}
      DEPENDS ${path} taskc::taskc
      COMMENT "taskc: C++ from ${source}"
      VERBATIM)
    target_sources(${arg_TARGET} PRIVATE ${out_dir}/${name}.cpp ${out_dir}/${name}.hpp)
    # A program may nest up to 200 deep; its C++ (lambdas for `try … else`)
    # nests deeper than clang's default limit of 256 brackets.
    set_source_files_properties(${out_dir}/${name}.cpp PROPERTIES
      COMPILE_OPTIONS "$<$<CXX_COMPILER_ID:Clang>:-fbracket-depth=1024>")
    target_include_directories(${arg_TARGET} PRIVATE ${source_dir})
  endforeach()
  target_include_directories(${arg_TARGET} PUBLIC ${out_dir})
  target_link_libraries(${arg_TARGET} PUBLIC taskc::runtime)
  if(arg_MPI)
    if(NOT TARGET taskc::runtime_mpi)
      message(FATAL_ERROR "taskc_generate: MPI: this taskc was installed without MPI (no lib/libtaskrt_mpi.a, or "
        "no Open MPI found: apt-get install libopenmpi-dev, then build and install taskc again)")
    endif()
    target_link_libraries(${arg_TARGET} PUBLIC taskc::runtime_mpi)
  endif()
endfunction()
