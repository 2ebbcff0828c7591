# Digest authentication (RFC 2617 / 7616 / 8760), part of siplab_sip_message.
# Included by this folder's CMakeLists.txt after it defines the library.
target_sources(siplab_sip_message PRIVATE ${CMAKE_CURRENT_LIST_DIR}/digest.cc)
target_link_libraries(siplab_sip_message PUBLIC OpenSSL::Crypto)
