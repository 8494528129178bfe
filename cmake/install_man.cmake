# install_man.cmake - install the man pages with the paths of this
# installation.  Run at install time (install(CODE) in CMakeLists.txt), so
# CMAKE_INSTALL_PREFIX is the prefix actually installed to: `cmake --install
# --prefix P`, or /usr when cpack builds the Debian package.  Each page's
# @FG_DATADIR@ and @FG_DOCDIR@ are replaced, then file(INSTALL) copies it
# (honouring DESTDIR and the install manifest).
#
# In: FG_MAN_SOURCES (list), FG_MAN_STAGE (a directory of the build),
#     FG_INSTALL_DATADIR, FG_INSTALL_DOCDIR, FG_INSTALL_MANDIR (as
#     GNUInstallDirs gives them: relative to the prefix, or absolute).
foreach(kind DATADIR DOCDIR MANDIR)
  if(IS_ABSOLUTE "${FG_INSTALL_${kind}}")
    set(full_${kind} "${FG_INSTALL_${kind}}")
  else()
    set(full_${kind} "${CMAKE_INSTALL_PREFIX}/${FG_INSTALL_${kind}}")
  endif()
endforeach()
set(FG_DATADIR "${full_DATADIR}/flakeguard")
set(FG_DOCDIR "${full_DOCDIR}")

# one staging directory per destination, so two installs do not mix
string(MD5 stage_key "$ENV{DESTDIR}|${CMAKE_INSTALL_PREFIX}")
set(stage "${FG_MAN_STAGE}/${stage_key}")
foreach(src IN LISTS FG_MAN_SOURCES)
  get_filename_component(name "${src}" NAME)
  string(REGEX REPLACE "^.*\\.([0-9])$" "\\1" section "${name}")
  configure_file("${src}" "${stage}/man${section}/${name}" @ONLY)
  file(INSTALL DESTINATION "${full_MANDIR}/man${section}" TYPE FILE FILES "${stage}/man${section}/${name}")
endforeach()
