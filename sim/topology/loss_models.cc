#include "sim/topology/loss_models.h"

#include "ns3/simulator.h"

namespace siplab::topo {

ns3::TypeId BernoulliLossModel::GetTypeId() {
  static ns3::TypeId tid = ns3::TypeId("siplab::topo::BernoulliLossModel")
                               .SetParent<ns3::ErrorModel>()
                               .SetGroupName("siplab")
                               .AddConstructor<BernoulliLossModel>();
  return tid;
}

BernoulliLossModel::BernoulliLossModel()
    : uniform_(ns3::CreateObject<ns3::UniformRandomVariable>()) {}

bool BernoulliLossModel::DoCorrupt(ns3::Ptr<ns3::Packet>) {
  // One draw per packet whatever the rate, so the stream stays aligned.
  return uniform_->GetValue(0.0, 1.0) < rate_;
}

ns3::TypeId GilbertElliottLossModel::GetTypeId() {
  static ns3::TypeId tid = ns3::TypeId("siplab::topo::GilbertElliottLossModel")
                               .SetParent<ns3::ErrorModel>()
                               .SetGroupName("siplab")
                               .AddConstructor<GilbertElliottLossModel>();
  return tid;
}

GilbertElliottLossModel::GilbertElliottLossModel()
    : uniform_(ns3::CreateObject<ns3::UniformRandomVariable>()) {}

void GilbertElliottLossModel::Configure(double p, double r, double loss_good, double loss_bad) {
  p_ = p;
  r_ = r;
  loss_good_ = loss_good;
  loss_bad_ = loss_bad;
  bad_ = false;
}

bool GilbertElliottLossModel::DoCorrupt(ns3::Ptr<ns3::Packet>) {
  // Two draws per packet (loss, then transition), always, so the pattern
  // depends only on the stream and the packet count.
  const bool lost = uniform_->GetValue(0.0, 1.0) < (bad_ ? loss_bad_ : loss_good_);
  const double u = uniform_->GetValue(0.0, 1.0);
  bad_ = bad_ ? !(u < r_) : (u < p_);
  return lost;
}

ns3::TypeId OutageLossModel::GetTypeId() {
  static ns3::TypeId tid = ns3::TypeId("siplab::topo::OutageLossModel")
                               .SetParent<ns3::ErrorModel>()
                               .SetGroupName("siplab")
                               .AddConstructor<OutageLossModel>();
  return tid;
}

bool OutageLossModel::DoCorrupt(ns3::Ptr<ns3::Packet>) {
  const ns3::Time now = ns3::Simulator::Now();
  return now >= from_ && now < to_;
}

ns3::Ptr<ns3::ErrorModel> make_loss_model(const LossSpec& loss, int64_t stream) {
  switch (loss.model) {
    case LossSpec::Model::None:
      return nullptr;
    case LossSpec::Model::Random: {
      auto m = ns3::CreateObject<BernoulliLossModel>();
      m->Configure(loss.rate);
      m->AssignStream(stream);
      return m;
    }
    case LossSpec::Model::GilbertElliott: {
      auto m = ns3::CreateObject<GilbertElliottLossModel>();
      m->Configure(loss.p, loss.r, loss.loss_good, loss.loss_bad);
      m->AssignStream(stream);
      return m;
    }
    case LossSpec::Model::Outage: {
      auto m = ns3::CreateObject<OutageLossModel>();
      m->Configure(ns3::NanoSeconds(loss.from.count()), ns3::NanoSeconds(loss.to.count()));
      return m;
    }
  }
  return nullptr;
}

}  // namespace siplab::topo
