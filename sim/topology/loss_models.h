// Per-direction loss as ns-3 receive error models (attached to the receiving
// PointToPointNetDevice's ReceiveErrorModel).  Each model draws only from its
// own UniformRandomVariable whose stream the topology assigns from the
// scenario seed, so a run's losses are a pure function of the seed.
#pragma once

#include <cstdint>

#include "ns3/error-model.h"
#include "ns3/nstime.h"
#include "ns3/random-variable-stream.h"
#include "sim/topology/topology_spec.h"

namespace siplab::topo {

// Each packet lost independently with probability `rate`.
class BernoulliLossModel : public ns3::ErrorModel {
 public:
  static ns3::TypeId GetTypeId();
  BernoulliLossModel();
  void Configure(double rate) { rate_ = rate; }
  void AssignStream(int64_t stream) { uniform_->SetStream(stream); }

 private:
  bool DoCorrupt(ns3::Ptr<ns3::Packet> packet) override;
  void DoReset() override {}

  ns3::Ptr<ns3::UniformRandomVariable> uniform_;
  double rate_ = 0.0;
};

// Two-state Markov loss (Gilbert 1960, Elliott 1963), one step per packet:
// the packet is lost with the current state's probability, then the state
// moves good->bad with probability p or bad->good with probability r.  It
// starts in the good state.  Long run: P(bad) = p/(p+r); a bad spell lasts
// 1/r packets on average.
class GilbertElliottLossModel : public ns3::ErrorModel {
 public:
  static ns3::TypeId GetTypeId();
  GilbertElliottLossModel();
  void Configure(double p, double r, double loss_good, double loss_bad);
  void AssignStream(int64_t stream) { uniform_->SetStream(stream); }
  bool in_bad_state() const { return bad_; }

 private:
  bool DoCorrupt(ns3::Ptr<ns3::Packet> packet) override;
  void DoReset() override { bad_ = false; }

  ns3::Ptr<ns3::UniformRandomVariable> uniform_;
  double p_ = 0.0;
  double r_ = 1.0;
  double loss_good_ = 0.0;
  double loss_bad_ = 1.0;
  bool bad_ = false;
};

// Every packet whose reception ends inside [from, to) of simulated time is
// lost (the receive error model runs when the last bit arrives).
class OutageLossModel : public ns3::ErrorModel {
 public:
  static ns3::TypeId GetTypeId();
  void Configure(ns3::Time from, ns3::Time to) {
    from_ = from;
    to_ = to;
  }

 private:
  bool DoCorrupt(ns3::Ptr<ns3::Packet> packet) override;
  void DoReset() override {}

  ns3::Time from_;
  ns3::Time to_;
};

// The model for one direction, its random stream set to `stream`; nullptr for
// LossSpec::Model::None.
ns3::Ptr<ns3::ErrorModel> make_loss_model(const LossSpec& loss, int64_t stream);

}  // namespace siplab::topo
