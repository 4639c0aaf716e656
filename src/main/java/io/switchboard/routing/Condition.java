package io.switchboard.routing;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One test a routing rule applies to a conversation's facts (A6). A rule matches when all of
 * its conditions hold. Each kind refuses an empty list of values when created, because a
 * condition that can never hold is a configuration mistake the admin should hear about, not a
 * rule that silently matches nothing. A fact that is unknown (null) never satisfies a condition.
 */
public sealed interface Condition {

    boolean test(ConversationFacts facts);

    static Condition channelIn(String... channelIds) {
        return new ChannelIn(Set.of(channelIds));
    }

    static Condition pageUrl(TextMatch match) {
        return new PageUrl(match);
    }

    static Condition sourceContains(String... terms) {
        return new SourceContains(List.of(terms));
    }

    static Condition tierIn(String... tiers) {
        return new TierIn(Set.of(tiers));
    }

    static Condition attributeEquals(String name, String value) {
        return new AttributeIn(name, Set.of(value));
    }

    static Condition attributeIn(String name, String... values) {
        return new AttributeIn(name, Set.of(values));
    }

    /** The conversation came through one of these channels. */
    record ChannelIn(Set<String> channelIds) implements Condition {
        public ChannelIn {
            channelIds = nonEmpty(channelIds, "channel ids");
        }

        @Override
        public boolean test(ConversationFacts facts) {
            return channelIds.contains(facts.channelId());
        }
    }

    /** The page the visitor is on matches. */
    record PageUrl(TextMatch match) implements Condition {
        public PageUrl {
            Objects.requireNonNull(match, "match");
        }

        @Override
        public boolean test(ConversationFacts facts) {
            return match.matches(facts.pageUrl());
        }
    }

    /**
     * The referrer or the search keyword contains one of the terms, ignoring case: both say
     * how the visitor found the site, and admins think of them as one "source".
     */
    record SourceContains(List<String> terms) implements Condition {
        public SourceContains {
            terms = nonEmpty(terms, "terms").stream().map(t -> {
                if (t.isBlank()) {
                    throw new IllegalArgumentException("terms must not be blank");
                }
                return t.toLowerCase(Locale.ROOT);
            }).toList();
        }

        @Override
        public boolean test(ConversationFacts facts) {
            return containsAny(facts.referrer()) || containsAny(facts.searchKeyword());
        }

        private boolean containsAny(String text) {
            if (text == null) {
                return false;
            }
            String folded = text.toLowerCase(Locale.ROOT);
            return terms.stream().anyMatch(folded::contains);
        }
    }

    /** The identified customer's tier is one of these. */
    record TierIn(Set<String> tiers) implements Condition {
        public TierIn {
            tiers = nonEmpty(tiers, "tiers");
        }

        @Override
        public boolean test(ConversationFacts facts) {
            return facts.customerTier() != null && tiers.contains(facts.customerTier());
        }
    }

    /** The visitor attribute has one of these values exactly; one value is "equals". */
    record AttributeIn(String name, Set<String> values) implements Condition {
        public AttributeIn {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("attribute name must not be blank");
            }
            values = nonEmpty(values, "values");
        }

        @Override
        public boolean test(ConversationFacts facts) {
            String value = facts.attributes().get(name);
            return value != null && values.contains(value);
        }
    }

    private static <T> Set<T> nonEmpty(Set<T> values, String what) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return Set.copyOf(values);
    }

    private static <T> List<T> nonEmpty(List<T> values, String what) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return List.copyOf(values);
    }
}
