// Reading a provider's JSON answer field by field: each getter answers the value or a default,
// and remembers the first field that was missing or of the wrong type, so that a provider's
// parser reads straight through and ends with one provider_invalid naming that field
// ("segments[2].end (a number)").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "runtime/ai/http/client.h"

namespace wfc::ai::http {

class AnswerReader {
 public:
  explicit AnswerReader(const Endpoint& endpoint) : endpoint_(endpoint) {}

  /// The member `key` of `object` (at `path`, for messages) if it has the wanted type.
  const Json* array(const Json& object, std::string_view key, const std::string& path) {
    return get(object, key, path, Json::value_t::array, "an array");
  }
  const Json* object(const Json& object, std::string_view key, const std::string& path) {
    return get(object, key, path, Json::value_t::object, "an object");
  }
  double number(const Json& object, std::string_view key, const std::string& path) {
    const Json* v = get(object, key, path, Json::value_t::number_float, "a number");
    return v ? v->get<double>() : 0.0;
  }
  std::string string(const Json& object, std::string_view key, const std::string& path) {
    const Json* v = get(object, key, path, Json::value_t::string, "a string");
    return v ? v->get<std::string>() : std::string();
  }
  /// A member that may be absent or null; wrong types still count as missing.
  std::optional<double> optional_number(const Json& object, std::string_view key) {
    if (!object.is_object()) return std::nullopt;
    auto it = object.find(std::string(key));
    if (it == object.end() || it->is_null() || !it->is_number()) return std::nullopt;
    return it->get<double>();
  }
  /// Records `what` as missing, as when a getter fails.
  void missing(std::string what) {
    if (!first_.has_value()) first_ = std::move(what);
  }

  /// provider_invalid naming the first missing field, if any was.
  std::optional<Failure> failure() const {
    if (!first_.has_value()) return std::nullopt;
    return invalid(endpoint_, *first_);
  }

 private:
  const Json* get(const Json& object, std::string_view key, const std::string& path,
                  Json::value_t type, std::string_view type_name) {
    std::string name = path.empty() ? std::string(key) : path + "." + std::string(key);
    if (object.is_object()) {
      auto it = object.find(std::string(key));
      if (it != object.end()) {
        bool ok = type == Json::value_t::number_float ? it->is_number() : it->type() == type;
        if (ok) return &*it;
      }
    }
    missing("'" + name + "' (" + std::string(type_name) + ")");
    return nullptr;
  }

  const Endpoint& endpoint_;
  std::optional<std::string> first_;
};

}  // namespace wfc::ai::http
