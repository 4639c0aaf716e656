package io.switchboard.admin;

import java.util.List;

/**
 * One condition of a rule as it travels over REST and is stored (A6).
 *
 * @param type    {@code channel}, {@code pageUrl}, {@code source}, {@code tier} or {@code attribute}
 * @param values  channel ids, source terms, tiers or attribute values
 * @param match   for {@code pageUrl}: {@code contains}, {@code prefix} or {@code regex}
 * @param pattern for {@code pageUrl}: the text or expression
 * @param name    for {@code attribute}: the attribute's name
 */
public record RuleCondition(String type, List<String> values, String match, String pattern, String name) {}
