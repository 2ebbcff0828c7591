#include "models/sip/dialog/dialog.h"

namespace siplab::sip {

namespace {

NameAddr without_tag(NameAddr address) {
  remove_param(address.params, "tag");
  return address;
}

std::optional<Uri> first_contact_uri(const Message& message) {
  ContactList contacts = message.contacts();
  if (contacts.star || contacts.contacts.empty()) return std::nullopt;
  return std::move(contacts.contacts.front().uri);
}

}  // namespace

std::string_view to_string(DialogState state) {
  switch (state) {
    case DialogState::Early: return "early";
    case DialogState::Confirmed: return "confirmed";
    case DialogState::Terminated: return "terminated";
  }
  return "terminated";
}

std::string DialogId::to_string() const {
  std::string out;
  out.reserve(call_id.size() + local_tag.size() + remote_tag.size() + 2);
  out.append(call_id).append(";").append(local_tag).append(";").append(remote_tag);
  return out;
}

std::optional<Dialog> dialog_as_uas(const Message& request, std::string_view local_tag) {
  auto call_id = request.call_id();
  auto from = request.from();
  auto to = request.to();
  auto cseq = request.cseq();
  auto target = first_contact_uri(request);
  if (!call_id || !from || !to || !cseq || !target) return std::nullopt;
  auto remote_tag = from->tag();
  if (!remote_tag) return std::nullopt;
  Dialog d;
  d.id = DialogId{std::string(*call_id), std::string(local_tag), std::string(*remote_tag)};
  d.local_uri = without_tag(*to);
  d.remote_uri = without_tag(*from);
  d.remote_target = std::move(*target);
  d.route_set = request.record_routes();  // §12.1.1: in the order received
  d.remote_cseq = cseq->number;
  // §12.1.1: the local sequence number is empty; we start our own at 0 and
  // pre-increment, a valid choice since the UAS picks its own numbering.
  d.local_cseq = 0;
  d.secure = request.request_uri().scheme == UriScheme::Sips;
  return d;
}

std::optional<Dialog> dialog_as_uac(const Message& request, const Message& response) {
  auto call_id = response.call_id();
  auto from = request.from();
  auto to = response.to();
  auto cseq = request.cseq();
  auto target = first_contact_uri(response);
  if (!call_id || !from || !to || !cseq || !target) return std::nullopt;
  auto local_tag = from->tag();
  auto remote_tag = to->tag();
  if (!local_tag || !remote_tag) return std::nullopt;
  Dialog d;
  d.id = DialogId{std::string(*call_id), std::string(*local_tag), std::string(*remote_tag)};
  d.state = response.status_code() >= 200 ? DialogState::Confirmed : DialogState::Early;
  d.local_uri = without_tag(*from);
  d.remote_uri = without_tag(*to);
  d.remote_target = std::move(*target);
  // §12.1.2: the route set is the Record-Route list in reverse order.
  std::vector<NameAddr> routes = response.record_routes();
  d.route_set.assign(routes.rbegin(), routes.rend());
  d.local_cseq = cseq->number;
  d.secure = request.request_uri().scheme == UriScheme::Sips;
  return d;
}

DialogRequest make_dialog_request(Dialog& dialog, std::string_view method,
                                  std::optional<uint32_t> cseq_for_ack) {
  Uri request_uri = dialog.remote_target;
  std::vector<NameAddr> routes;
  Uri next_hop;
  if (dialog.route_set.empty()) {
    next_hop = dialog.remote_target;
  } else if (dialog.route_set.front().uri.lr()) {
    // §12.2.1.1 loose routing: Request-URI = remote target, Route = route set.
    routes = dialog.route_set;
    next_hop = dialog.route_set.front().uri;
  } else {
    // §12.2.1.1 strict routing: the first route becomes the Request-URI
    // (without parameters a Request-URI may not carry, §19.1.1) and the
    // remote target goes last in the Route.
    request_uri = dialog.route_set.front().uri;
    remove_param(request_uri.params, "method");
    request_uri.headers.clear();
    routes.assign(dialog.route_set.begin() + 1, dialog.route_set.end());
    NameAddr target;
    target.uri = dialog.remote_target;
    routes.push_back(std::move(target));
    next_hop = request_uri;
  }
  Message request = Message::request(method, std::move(request_uri));
  NameAddr to = dialog.remote_uri;
  to.set_tag(dialog.id.remote_tag);
  NameAddr from = dialog.local_uri;
  from.set_tag(dialog.id.local_tag);
  request.set_max_forwards(70);
  request.set_to(to);
  request.set_from(from);
  request.set_call_id(dialog.id.call_id);
  uint32_t number = 0;
  if (method == "ACK" || method == "CANCEL") {
    number = cseq_for_ack.value_or(dialog.local_cseq);
  } else {
    number = ++dialog.local_cseq;
  }
  request.set_cseq(CSeq{number, std::string(method)});
  if (!routes.empty()) request.set_routes(routes);
  return DialogRequest{std::move(request), std::move(next_hop)};
}

CSeqCheck check_remote_cseq(Dialog& dialog, const Message& request) {
  if (request.method() == "ACK" || request.method() == "CANCEL") return CSeqCheck::Accept;
  auto cseq = request.cseq();
  if (!cseq) return CSeqCheck::OutOfOrder;
  if (dialog.remote_cseq && cseq->number < *dialog.remote_cseq) return CSeqCheck::OutOfOrder;
  dialog.remote_cseq = cseq->number;
  return CSeqCheck::Accept;
}

bool refresh_remote_target(Dialog& dialog, const Message& message) {
  auto target = first_contact_uri(message);
  if (!target || *target == dialog.remote_target) return false;
  dialog.remote_target = std::move(*target);
  return true;
}

}  // namespace siplab::sip
