# Debian packages (CPack): `cmake --build build --target package` writes
#   redbox-kiosk_VERSION_ARCH.deb   the kiosk app and its systemd unit (no simulator)
#   redbox-server_VERSION_ARCH.deb  the schema, the hop forwarder, the payments service, the
#                                   simulated acquirer, the mail service, the network tool, and
#                                   the units for the forwarders, payments, mail, Patroni and etcd
# Shared-library dependencies come from dpkg-shlibdeps (Debian 12's own packages);
# the rest are listed here. tests/deploy/tst_packages.sh installs both into an
# overlay of this machine and checks them.
set(REDBOX_KIOSK_DEPENDS
  "cage, xwayland, qml6-module-qtquick, qml6-module-qtquick-controls, qml6-module-qtquick-layouts, qml6-module-qtquick-window, qml6-module-qtquick-templates, qml6-module-qtqml-workerscript, qml6-module-qtquick-virtualkeyboard, qml6-module-qt-labs-settings, qt6-wayland, adduser")
set(REDBOX_SERVER_DEPENDS
  "postgresql-15, postgresql-contrib, patroni, etcd-server, etcd-client, python3 (>= 3.11), python3-psycopg2, python3-yaml, python3-idna, openssl, adduser")
# (the coasts' mail services hand receipts to an SMTP relay: the host's MTA, or the operator's)
set(REDBOX_SERVER_RECOMMENDS "exim4-daemon-light | mail-transport-agent")

install(FILES ${CMAKE_CURRENT_LIST_DIR}/systemd/redbox-kiosk.service DESTINATION lib/systemd/system COMPONENT kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/redbox-kiosk COMPONENT kiosk)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/systemd/redbox-forwarder@.service
              ${CMAKE_CURRENT_LIST_DIR}/systemd/redbox-payments@.service
              ${CMAKE_CURRENT_LIST_DIR}/systemd/redbox-mailer@.service
              ${CMAKE_CURRENT_LIST_DIR}/systemd/redbox-patroni@.service
              ${CMAKE_CURRENT_LIST_DIR}/systemd/redbox-etcd.service
        DESTINATION lib/systemd/system COMPONENT server)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/redbox-server COMPONENT server)
# /usr/bin/redbox-net -> the tool in /usr/share/redbox/deploy (it finds the schema beside it).
file(CREATE_LINK ../share/redbox/deploy/redbox-net ${CMAKE_BINARY_DIR}/redbox-net.link SYMBOLIC)
install(FILES ${CMAKE_BINARY_DIR}/redbox-net.link DESTINATION bin RENAME redbox-net COMPONENT server)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME redbox)
set(CPACK_PACKAGE_VENDOR "redbox")
set(CPACK_PACKAGE_CONTACT "redbox operators <operators@redbox.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL kiosk server)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_KIOSK_PACKAGE_NAME redbox-kiosk)
set(CPACK_DEBIAN_KIOSK_PACKAGE_DEPENDS ${REDBOX_KIOSK_DEPENDS})
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_EXTRA
  ${CMAKE_CURRENT_LIST_DIR}/debian/kiosk/postinst ${CMAKE_CURRENT_LIST_DIR}/debian/kiosk/prerm
  ${CMAKE_CURRENT_LIST_DIR}/debian/kiosk/postrm)
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_COMPONENT_KIOSK_DESCRIPTION "Redbox DVD kiosk: the customer touchscreen app\n The Qt Quick kiosk app for DVD rental kiosks, run fullscreen under cage by\n its systemd unit, with a watchdog; its local cache and offline outbox live\n in /var/lib/redbox-kiosk. Configuration: /etc/redbox/kiosk.ini.")
set(CPACK_DEBIAN_SERVER_PACKAGE_NAME redbox-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS ${REDBOX_SERVER_DEPENDS})
set(CPACK_DEBIAN_SERVER_PACKAGE_RECOMMENDS ${REDBOX_SERVER_RECOMMENDS})
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
  ${CMAKE_CURRENT_LIST_DIR}/debian/server/postinst ${CMAKE_CURRENT_LIST_DIR}/debian/server/prerm
  ${CMAKE_CURRENT_LIST_DIR}/debian/server/postrm)
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_COMPONENT_SERVER_DESCRIPTION "Redbox network servers: schema, hop forwarder, payments, network tool\n The SQL of every tier (HQ, coasts, red boxes), the hop forwarder, the\n coasts' payments service and a simulated card acquirer, the\n redbox-net tool that renders and runs the PostgreSQL network (Patroni,\n etcd, TLS), and systemd units for the forwarders, Patroni and etcd.")
include(CPack)
