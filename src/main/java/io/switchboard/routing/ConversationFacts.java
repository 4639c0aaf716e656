package io.switchboard.routing;

import java.util.Map;
import java.util.Objects;

/**
 * What routing rules may look at about a new conversation (A6): where the visitor came from
 * and who they are. The channel adapter collects these on arrival; anything unknown is null.
 *
 * @param channelId     the widget, official account or API channel the conversation came through
 * @param pageUrl       the page the visitor opened the widget on
 * @param referrer      the page that brought the visitor to the site
 * @param searchKeyword the search terms that brought the visitor, when the referrer carried them
 * @param customerTier  the identified customer's tier in the tenant's CRM, e.g. "vip"
 * @param attributes    other visitor attributes the widget or the tenant's backend passed, e.g. tags
 */
public record ConversationFacts(String channelId, String pageUrl, String referrer, String searchKeyword,
                                String customerTier, Map<String, String> attributes) {

    public ConversationFacts {
        Objects.requireNonNull(channelId, "channelId");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** A visitor on the channel about whom nothing else is known yet. */
    public static ConversationFacts onChannel(String channelId) {
        return new ConversationFacts(channelId, null, null, null, null, Map.of());
    }

    public ConversationFacts withPageUrl(String url) {
        return new ConversationFacts(channelId, url, referrer, searchKeyword, customerTier, attributes);
    }

    public ConversationFacts withReferrer(String url) {
        return new ConversationFacts(channelId, pageUrl, url, searchKeyword, customerTier, attributes);
    }

    public ConversationFacts withSearchKeyword(String keyword) {
        return new ConversationFacts(channelId, pageUrl, referrer, keyword, customerTier, attributes);
    }

    public ConversationFacts withCustomerTier(String tier) {
        return new ConversationFacts(channelId, pageUrl, referrer, searchKeyword, tier, attributes);
    }

    public ConversationFacts withAttributes(Map<String, String> values) {
        return new ConversationFacts(channelId, pageUrl, referrer, searchKeyword, customerTier, values);
    }
}
