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

    /** {@code name} as rules write it: {@code customer.<attribute>}, {@code claimed.<attribute>} or a bare name (customer). */
    static Condition attributeEquals(String name, String value) {
        return new AttributeIn(name, Set.of(value));
    }

    static Condition attributeIn(String name, String... values) {
        return new AttributeIn(name, Set.of(values));
    }

    /**
     * Who says an attribute: the tenant's backend (its CRM over the admin REST, behind a signed
     * identity) about the customer, or the web page about its visitor. Anyone can write a page,
     * so a page's word is a claim, and a rule tests it only where it says so.
     */
    enum Side {
        /** The customer record, kept by the tenant's backend; what a bare attribute name means. */
        CUSTOMER("customer."),
        /** What the page said about its visitor (the widget's attributes). */
        CLAIMED("claimed.");

        private final String prefix;

        Side(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
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

    /**
     * An attribute on one side has one of these values exactly; one value is "equals". An
     * attribute with several values (a list such as {@code tags}) holds when any of them is
     * listed. The customer side never sees a page's claims, and the claimed side never sees the
     * customer record: a page claiming {@code tags: vip} cannot reach a rule on the customer's tags.
     */
    record AttributeIn(Side side, String name, Set<String> values) implements Condition {
        public AttributeIn {
            Objects.requireNonNull(side, "side");
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("attribute name must not be blank");
            }
            values = nonEmpty(values, "values");
        }

        /**
         * From the name as rules write it. A bare name is the customer side: rules written before
         * claims were told apart keep working, now against what the tenant's backend says only.
         */
        public AttributeIn(String qualifiedName, Set<String> values) {
            this(sideOf(qualifiedName), unqualified(qualifiedName), values);
        }

        @Override
        public boolean test(ConversationFacts facts) {
            Set<String> present = facts.attribute(side, name);
            for (String value : present) {
                if (values.contains(value)) {
                    return true;
                }
            }
            return false;
        }

        private static Side sideOf(String qualifiedName) {
            if (qualifiedName != null && qualifiedName.startsWith(Side.CLAIMED.prefix())) {
                return Side.CLAIMED;
            }
            return Side.CUSTOMER;
        }

        private static String unqualified(String qualifiedName) {
            if (qualifiedName == null) {
                return null;
            }
            for (Side side : Side.values()) {
                if (qualifiedName.startsWith(side.prefix())) {
                    return qualifiedName.substring(side.prefix().length());
                }
            }
            return qualifiedName;
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
