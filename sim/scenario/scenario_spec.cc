#include "sim/scenario/scenario_spec.h"

namespace siplab::scenario {

const topo::NodeSpec* ScenarioSpec::find_node(std::string_view node_name) const {
  for (const auto& n : topology.nodes)
    if (n.name == node_name) return &n;
  return nullptr;
}

const UserSpec* ScenarioSpec::find_user(std::string_view aor) const {
  for (const auto& u : users)
    if (u.aor == aor) return &u;
  return nullptr;
}

const ResolverSpec* ScenarioSpec::resolver_for(std::string_view node) const {
  for (const auto& r : resolvers)
    if (r.node == node) return &r;
  return nullptr;
}

const CallAction* ScenarioSpec::find_call(int id) const {
  for (const auto& e : events)
    if (const auto* call = std::get_if<CallAction>(&e.action); call && call->id == id) return call;
  return nullptr;
}

}  // namespace siplab::scenario
