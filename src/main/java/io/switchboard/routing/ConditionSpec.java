package io.switchboard.routing;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One condition of a rule as admins write it, over REST and in storage (A6).
 *
 * @param type    {@code channel}, {@code pageUrl}, {@code source}, {@code tier} or {@code attribute}
 * @param values  channel ids, source terms, tiers or attribute values
 * @param match   for {@code pageUrl}: {@code contains}, {@code prefix} or {@code regex}
 * @param pattern for {@code pageUrl}: the text or expression
 * @param name    for {@code attribute}: the attribute's name with its side, {@code customer.<name>} (what the
 *                tenant's backend says; a bare name means this side) or {@code claimed.<name>} (what the page
 *                said about its visitor)
 */
public record ConditionSpec(String type, List<String> values, String match, String pattern, String name) {

    /** The condition this spec describes; {@link IllegalArgumentException} says what is wrong with it. */
    public Condition toCondition() {
        if (type == null) {
            throw new IllegalArgumentException("type is required: channel, pageUrl, source, tier or attribute");
        }
        String[] v = values == null ? new String[0] : values.toArray(String[]::new);
        return switch (type) {
            case "channel" -> new Condition.ChannelIn(Set.of(v));
            case "source" -> new Condition.SourceContains(List.of(v));
            case "tier" -> new Condition.TierIn(Set.of(v));
            case "attribute" -> new Condition.AttributeIn(name, Set.of(v));
            case "pageUrl" -> {
                TextMatch.Mode mode;
                try {
                    mode = TextMatch.Mode.valueOf((match == null ? "contains" : match).toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("match must be contains, prefix or regex");
                }
                yield Condition.pageUrl(TextMatch.of(mode, pattern));
            }
            default -> throw new IllegalArgumentException("unknown type '" + type
                    + "': channel, pageUrl, source, tier or attribute");
        };
    }
}
