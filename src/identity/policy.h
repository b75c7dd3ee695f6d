// The security policy's fields: parsing and checking their text form (model.h lists the fields
// and their bounds, which are the [identity] config's), and their JSON form for the history.
//
// Thread-safety: pure functions.
#pragma once

#include "core/result.h"
#include "identity/model.h"

#include <string>
#include <string_view>

namespace zt::identity {

bool is_policy_field(std::string_view field);

// Sets `field` of `config` from its text form. totp_roles is normalised (sorted, without
// duplicates). Failure: Error invalid "invalid_policy" whose detail names the field and its
// allowed values (also for a field that is not a policy field); `config` is then unchanged.
Status apply_policy_value(IdentityConfig& config, std::string_view field, std::string_view text);

// The text form of `field` in `config` (what apply_policy_value reads). Precondition: a policy
// field.
std::string policy_value_text(const IdentityConfig& config, std::string_view field);

// The JSON form of `field` in `config`: an integer, a string, or an array of role names.
std::string policy_value_json(const IdentityConfig& config, std::string_view field);

}  // namespace zt::identity
