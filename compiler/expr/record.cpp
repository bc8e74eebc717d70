// File and frame facts.
#include "compiler/expr/record.h"

#include <algorithm>
#include <cmath>

namespace wfc::expr {

Record::Record(const Schema& schema)
    : schema_(&schema), fields_(schema.size()), texts_(schema.size()) {}

void Record::clear() {
  for (auto& f : fields_) f = Field();
  for (auto& t : texts_) t.clear();
  map_.clear();
}

void Record::set_null(uint16_t slot) {
  fields_[slot] = Field();
  texts_[slot].clear();
}

bool Record::set_bool(uint16_t slot, bool v) {
  if (schema_->slots()[slot].type != Type::Bool) return false;
  fields_[slot].tag = FieldTag::Bool;
  fields_[slot].i = 0;
  fields_[slot].b = v;
  return true;
}

bool Record::set_int(uint16_t slot, int64_t v) {
  Type t = schema_->slots()[slot].type;
  if (t == Type::Num) return set_number(slot, static_cast<double>(v));
  if (t != Type::Int) return false;
  fields_[slot].tag = FieldTag::Int;
  fields_[slot].i = v;
  return true;
}

bool Record::set_number(uint16_t slot, double v) {
  if (schema_->slots()[slot].type != Type::Num) return false;
  fields_[slot].tag = FieldTag::Num;
  fields_[slot].d = v;
  return true;
}

bool Record::set_text(uint16_t slot, std::string_view v) {
  Type t = schema_->slots()[slot].type;
  if (t != Type::Str && t != Type::Enum) return false;
  texts_[slot].assign(v);
  if (t == Type::Enum) {
    fields_[slot].tag = FieldTag::Enum;
    fields_[slot].i = schema_->enum_index(slot, v);
  } else {
    fields_[slot].tag = FieldTag::Str;
    fields_[slot].i = 0;
  }
  return true;
}

void Record::set_map(std::string_view key, std::string_view value) {
  auto it = std::lower_bound(map_.begin(), map_.end(), key,
                             [](const auto& e, std::string_view k) { return e.first < k; });
  if (it != map_.end() && it->first == key) {
    it->second.assign(value);
  } else {
    map_.emplace(it, std::string(key), std::string(value));
  }
}

const std::string* Record::map_value(std::string_view key) const {
  auto it = std::lower_bound(map_.begin(), map_.end(), key,
                             [](const auto& e, std::string_view k) { return e.first < k; });
  return it != map_.end() && it->first == key ? &it->second : nullptr;
}

bool Record::set(std::string_view name, const nlohmann::json& value) {
  const std::string& map = schema_->map_name();
  if (!map.empty() && name.size() > map.size() + 1 && name.substr(0, map.size()) == map &&
      name[map.size()] == '.') {
    if (!value.is_string()) return false;
    set_map(name.substr(map.size() + 1), value.get<std::string>());
    return true;
  }
  int slot = schema_->slot(name);
  if (slot < 0) return false;
  auto s = static_cast<uint16_t>(slot);
  if (value.is_null()) {
    set_null(s);
    return true;
  }
  switch (schema_->slots()[s].type) {
    case Type::Bool:
      return value.is_boolean() && set_bool(s, value.get<bool>());
    case Type::Int:
      if (!value.is_number_integer()) return false;
      if (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(INT64_MAX)) return false;
      return set_int(s, value.get<int64_t>());
    case Type::Num:
      return value.is_number() && set_number(s, value.get<double>());
    case Type::Str:
    case Type::Enum:
      return value.is_string() && set_text(s, value.get<std::string>());
  }
  return false;
}

Record Record::from_json(const Schema& schema, const nlohmann::json& facts) {
  Record r(schema);
  if (!facts.is_object()) return r;
  for (const auto& [name, value] : facts.items()) {
    if (name == schema.map_name() && value.is_object()) {
      for (const auto& [key, text] : value.items()) {
        if (text.is_string()) r.set_map(key, text.get<std::string>());
      }
      continue;
    }
    if (value.is_object()) {  // the nested form of dotted properties: {"codecs": {"video": ..}}
      for (const auto& [key, text] : value.items()) r.set(name + "." + key, text);
      continue;
    }
    r.set(name, value);
  }
  return r;
}

}  // namespace wfc::expr
