package io.switchboard.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What routing rules may look at about a new conversation (A6): where the visitor came from
 * and who they are. The channel adapter collects these on arrival; anything unknown is null
 * or absent. What the tenant's backend says about the customer and what a web page claims
 * about its visitor are kept apart (see {@link Condition.Side}).
 *
 * @param channelId     the widget, official account or API channel the conversation came through
 * @param pageUrl       the page the visitor opened the widget on (the page's own word)
 * @param referrer      the page that brought the visitor to the site (the page's own word)
 * @param searchKeyword the search terms that brought the visitor, when the referrer carried them
 * @param customerTier  the identified customer's tier in the tenant's CRM, e.g. "vip"
 * @param customer      the identified customer's attributes as the tenant's backend set them, e.g. tags;
 *                      each with one value or several (a list)
 * @param claimed       the attributes the page passed about its visitor: claims anyone can make
 */
public record ConversationFacts(String channelId, String pageUrl, String referrer, String searchKeyword,
                                String customerTier, Map<String, Set<String>> customer, Map<String, Set<String>> claimed) {

    public ConversationFacts {
        Objects.requireNonNull(channelId, "channelId");
        customer = customer == null ? Map.of() : copy(customer);
        claimed = claimed == null ? Map.of() : copy(claimed);
    }

    /** A visitor on the channel about whom nothing else is known yet. */
    public static ConversationFacts onChannel(String channelId) {
        return new ConversationFacts(channelId, null, null, null, null, Map.of(), Map.of());
    }

    /** The values of one attribute on one side; empty when unknown. */
    public Set<String> attribute(Condition.Side side, String name) {
        Set<String> values = (side == Condition.Side.CLAIMED ? claimed : customer).get(name);
        return values == null ? Set.of() : values;
    }

    /**
     * Attribute values as JSON decoding gives them: a text, number or boolean is one value
     * (written as text: {@code true}, {@code 3}); a list gives each of its plain elements;
     * null, nested objects and nested lists are not values a rule can name, and are left out.
     */
    public static Map<String, Set<String>> values(Map<String, ?> decoded) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        if (decoded == null) {
            return out;
        }
        decoded.forEach((name, value) -> {
            List<String> plain = new ArrayList<>();
            if (value instanceof Collection<?> list) {
                list.forEach(element -> addPlain(plain, element));
            } else {
                addPlain(plain, value);
            }
            if (!plain.isEmpty()) {
                out.put(name, new LinkedHashSet<>(plain));
            }
        });
        return out;
    }

    private static void addPlain(List<String> out, Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            out.add(String.valueOf(value));
        }
    }

    public ConversationFacts withPageUrl(String url) {
        return new ConversationFacts(channelId, url, referrer, searchKeyword, customerTier, customer, claimed);
    }

    public ConversationFacts withReferrer(String url) {
        return new ConversationFacts(channelId, pageUrl, url, searchKeyword, customerTier, customer, claimed);
    }

    public ConversationFacts withSearchKeyword(String keyword) {
        return new ConversationFacts(channelId, pageUrl, referrer, keyword, customerTier, customer, claimed);
    }

    public ConversationFacts withCustomerTier(String tier) {
        return new ConversationFacts(channelId, pageUrl, referrer, searchKeyword, tier, customer, claimed);
    }

    /** The customer's attributes, as the tenant's backend set them. */
    public ConversationFacts withAttributes(Map<String, ?> decoded) {
        return new ConversationFacts(channelId, pageUrl, referrer, searchKeyword, customerTier, values(decoded), claimed);
    }

    /** What the page claimed about its visitor. */
    public ConversationFacts withClaims(Map<String, ?> decoded) {
        return new ConversationFacts(channelId, pageUrl, referrer, searchKeyword, customerTier, customer, values(decoded));
    }

    private static Map<String, Set<String>> copy(Map<String, Set<String>> m) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, Set.copyOf(v)));
        return Map.copyOf(out);
    }
}
