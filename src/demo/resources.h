// The catalog resources the demo city's departments publish, and their field names: the one
// place that names them. The registry merge maps registry attributes from these fields, so keep
// the names plain snake_case English (docs: the glossary) and change them only together with
// the mapping.
//
//  code     name      department  key         fields
//  GA-0001  户籍人口   公安局       id_number   name gender birth_date nationality
//  household_address
//                                              division_code alive
//  MZ-0001  婚姻登记   民政局       id_number   name marital_status registered_on household_address
//                                              division_code
//  RS-0001  社保参保   人力社保局   id_number   name employment_status insurance_status
//                                              insurance_type employer_uscc insured_since
//  WJ-0001  死亡登记   卫生健康委   id_number   name death_date death_place
//  SJ-0001  企业登记   市场监管局   uscc        name entity_type legal_representative
//                                              legal_representative_id_number registered_capital
//                                              address division_code industry established_on status
//  SW-0001  税务登记   税务局       uscc        name tax_status taxpayer_type employee_count
//                                              credit_rating
//
// Values: gender male|female; alive true|false; marital_status unmarried|married|divorced|
// widowed; employment_status employed|unemployed|retired|self_employed; insurance_status
// insured|suspended|not_insured; insurance_type employee|resident; entity_type
// limited_company|joint_stock_company|sole_proprietorship|partnership|individual_business;
// status (企业) active|revoked|cancelled; tax_status normal|irregular|cancelled; taxpayer_type
// general|small_scale; credit_rating A|B|M|C|D; industry the GB/T 4754 section letter A–T;
// registered_capital in 万元; dates YYYY-MM-DD; division_code the 12-digit village/community code.
//
// Thread-safety: constants and pure functions.
#pragma once

#include "catalog/model.h"
#include "registry/merge.h"

#include <string_view>
#include <vector>

namespace zt::demo {

namespace resource {
inline constexpr std::string_view kHousehold = "GA-0001";   // 户籍人口 (公安)
inline constexpr std::string_view kMarriage = "MZ-0001";    // 婚姻登记 (民政)
inline constexpr std::string_view kInsurance = "RS-0001";   // 社保参保 (人社)
inline constexpr std::string_view kDeath = "WJ-0001";       // 死亡登记 (卫健)
inline constexpr std::string_view kEnterprise = "SJ-0001";  // 企业登记 (市场监管)
inline constexpr std::string_view kTax = "SW-0001";         // 税务登记 (税务)
inline constexpr std::string_view kPersonRegistry = "DSJ-RK01";  // 人口基础库 (大数据管理中心)
inline constexpr std::string_view kEntityRegistry = "DSJ-FR01";  // 法人基础库 (大数据管理中心)
}  // namespace resource

// The demo department (demo/departments.h) that publishes each resource, by its short code.
std::string_view publisher_of(std::string_view resource_code);

// The six resources with their metadata and typed fields, for `department_id` of each
// publisher (filled by the caller).
std::vector<catalog::Resource> demo_resources();

// The golden resources of the person and entity registries (大数据管理中心 publishes them): each
// field defined as in its source resource, optional, name and division_code indexed.
std::vector<catalog::Resource> registry_resources();
// The attribute mappings of the person (true) or entity registry onto those six resources, with
// their priorities (公安 first for identity, 民政 for marriage, 人社 for employment, 卫健 for
// deaths; 市场监管 first for entities, 税务 for tax).
std::vector<registry::Mapping> registry_mappings(bool person);

}  // namespace zt::demo
