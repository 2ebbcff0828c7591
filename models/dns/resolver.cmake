# Stub resolver core (owner: resolver).  Included by models/dns/CMakeLists.txt
# after it defines siplab_dns.
target_sources(siplab_dns PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/resolver.cc)
# Endpoint, Random and Instant come from the shared core types.
target_link_libraries(siplab_dns PUBLIC siplab_common)
