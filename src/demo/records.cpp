#include "demo/records.h"

#include "demo/resources.h"

#include <fmt/format.h>

namespace zt::demo::records {

namespace {

// A CSV cell: quoted only when it must be.
void cell(std::string& out, std::string_view value) {
  if (value.find_first_of(",\"\n\r") == std::string_view::npos) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

template <typename... V>
void line(std::string& out, const V&... values) {
  bool first = true;
  auto one = [&](std::string_view v) {
    if (!first) out += ',';
    first = false;
    cell(out, v);
  };
  (one(values), ...);
  out += '\n';
}

std::string wrong_check_character(std::string id) {
  id.back() = id.back() == '0' ? '1' : '0';
  return id;
}

}  // namespace

std::string header(std::string_view code) {
  if (code == resource::kHousehold) {
    return "id_number,name,gender,birth_date,nationality,education,household_address,"
           "division_code,alive\n";
  }
  if (code == resource::kMarriage) {
    return "id_number,name,marital_status,registered_on,household_address,division_code\n";
  }
  if (code == resource::kInsurance) {
    return "id_number,name,employment_status,insurance_status,insurance_type,employer_uscc,"
           "insured_since,education\n";
  }
  if (code == resource::kDeath) return "id_number,name,death_date,death_place\n";
  if (code == resource::kEnterprise) {
    return "uscc,name,entity_type,legal_representative,legal_representative_id_number,"
           "registered_capital,address,division_code,industry,established_on,status\n";
  }
  return "uscc,name,tax_status,taxpayer_type,employee_count,credit_rating\n";
}

bool household(const Person& p, std::string& out) {
  const bool alive = p.alive || !p.police_knows_death;
  line(out, p.id_number, p.name, p.male ? "male" : "female", iso_date(p.birth_date), p.nationality,
       p.household_education.value_or(p.education.value_or("")), p.address, p.division_code,
       alive ? "true" : "false");
  return true;
}

bool household_late(const Person& p, std::string& out) {
  if (!p.moved_address) return false;
  line(out, p.id_number, p.name, p.male ? "male" : "female", iso_date(p.birth_date), p.nationality,
       p.household_education.value_or(p.education.value_or("")), *p.moved_address,
       *p.moved_division, "true");
  return true;
}

bool marriage(const Person& p, std::string& out) {
  if (!p.married_on) return false;
  line(out, p.id_number, p.name, p.marital_status, iso_date(*p.married_on),
       p.civil_affairs_address.value_or(p.address),
       p.civil_affairs_division.value_or(p.division_code));
  return true;
}

bool insurance(const Person& p, const CityPlan& city, const EnterprisePlan& plan,
               std::string& out) {
  if (!p.employment_status) return false;
  const std::string employer = p.employer ? uscc_of(city, plan, *p.employer) : std::string();
  line(out, p.bad_check_digit_in_insurance ? wrong_check_character(p.id_number) : p.id_number,
       p.name, *p.employment_status, p.insurance_status, p.insurance_type, employer,
       iso_date(*p.insured_since), p.education.value_or(""));
  return true;
}

bool death(const Person& p, std::string& out) {
  if (!p.death_date) return false;
  line(out, p.id_number, p.name, iso_date(*p.death_date), p.death_place);
  return true;
}

bool enterprise(const Enterprise& e, const Person& r, std::string& out) {
  line(out, e.bad_check_character ? wrong_check_character(e.uscc) : e.uscc, e.name, e.entity_type,
       r.name, r.id_number, e.registered_capital, e.address, e.division_code, e.industry,
       e.established_on, e.status);
  return true;
}

bool tax(const Enterprise& e, std::string& out) {
  line(out, e.uscc, e.name, e.tax_status, e.taxpayer_type, std::to_string(e.employee_count),
       e.credit_rating);
  return true;
}

}  // namespace zt::demo::records
