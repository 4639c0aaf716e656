package io.switchboard.knowledge;

import io.switchboard.common.FieldErrors;
import io.switchboard.common.Problem;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Checks what an admin or agent sends for a quick reply or an article, all fields at once,
 * before anything is written (DESIGN rule 6). On a change, a field left out keeps its value.
 */
final class KnowledgeRules {

    private KnowledgeRules() {}

    /** What a quick reply holds once checked; {@code channelIds} empty: every channel. */
    record Reply(String category, String title, String text, List<UUID> channelIds) {}

    /** What an article holds once checked. */
    record Article(String title, String body, List<String> tags, List<UUID> channelIds, String url) {}

    /**
     * A reply from a body, over {@code before} (null when creating). Personal replies have no
     * channels: {@code channelIds} is refused for them.
     */
    static Reply reply(QuickReplyBody body, Reply before, boolean personal) {
        if (body == null) {
            throw Problem.badRequest("body required");
        }
        FieldErrors errors = new FieldErrors();
        String category = body.category() != null ? body.category().strip() : before != null ? before.category() : "";
        if (length(category) > KnowledgeLimits.CATEGORY_CHARS) {
            errors.add("category", "at most " + KnowledgeLimits.CATEGORY_CHARS + " characters");
        }
        String title = body.title() != null ? body.title().strip() : before != null ? before.title() : null;
        if (title == null || title.isEmpty() || length(title) > KnowledgeLimits.REPLY_TITLE_CHARS) {
            errors.add("title", "required, at most " + KnowledgeLimits.REPLY_TITLE_CHARS + " characters");
        }
        String text = body.text() != null ? body.text() : before != null ? before.text() : null;
        if (text == null || text.isBlank() || length(text) > KnowledgeLimits.REPLY_TEXT_CHARS) {
            errors.add("text", "required, at most " + KnowledgeLimits.REPLY_TEXT_CHARS + " characters");
        } else {
            List<String> unknown = ReplyVariables.unknownIn(text);
            if (!unknown.isEmpty()) {
                errors.add("text", "unknown variables " + String.join(", ", unknown) + "; known: "
                        + String.join(", ", ReplyVariables.KNOWN.stream().sorted().map(v -> "{" + v + "}").toList()));
            }
        }
        List<UUID> channels = before != null ? before.channelIds() : List.of();
        if (body.channelIds() != null) {
            if (personal) {
                errors.add("channelIds", "personal replies serve every channel");
            } else {
                channels = channelIds(body.channelIds(), errors);
            }
        }
        errors.throwIfAny();
        return new Reply(category, title, text, channels);
    }

    static Article article(ArticleBody body, Article before) {
        if (body == null) {
            throw Problem.badRequest("body required");
        }
        FieldErrors errors = new FieldErrors();
        String title = body.title() != null ? body.title().strip() : before != null ? before.title() : null;
        if (title == null || title.isEmpty() || length(title) > KnowledgeLimits.ARTICLE_TITLE_CHARS) {
            errors.add("title", "required, at most " + KnowledgeLimits.ARTICLE_TITLE_CHARS + " characters");
        }
        String text = body.body() != null ? body.body() : before != null ? before.body() : null;
        if (text == null || text.isBlank() || length(text) > KnowledgeLimits.ARTICLE_BODY_CHARS) {
            errors.add("body", "required, at most " + KnowledgeLimits.ARTICLE_BODY_CHARS + " characters");
        }
        List<String> tags = before != null ? before.tags() : List.of();
        if (body.tags() != null) {
            Set<String> distinct = new LinkedHashSet<>();
            boolean bad = body.tags().size() > KnowledgeLimits.TAGS;
            for (String tag : body.tags()) {
                String t = tag == null ? "" : tag.strip();
                bad |= t.isEmpty() || length(t) > KnowledgeLimits.TAG_CHARS;
                distinct.add(t);
            }
            if (bad) {
                errors.add("tags", "at most " + KnowledgeLimits.TAGS + " tags of 1.." + KnowledgeLimits.TAG_CHARS + " characters");
            }
            tags = new ArrayList<>(distinct);
        }
        List<UUID> channels = body.channelIds() != null ? channelIds(body.channelIds(), errors)
                : before != null ? before.channelIds() : List.of();
        String url = body.url() != null ? articleUrl(body.url(), errors) : before != null ? before.url() : null;
        errors.throwIfAny();
        return new Article(title, text, List.copyOf(tags), channels, url);
    }

    /**
     * An article's address as sent: blank removes it (null); otherwise an absolute http or https
     * URL with a host and nothing a chat message would break on (spaces, control characters),
     * since agents send it to visitors as a link. Anything else, {@code javascript:} above all,
     * is refused.
     */
    static String articleUrl(String value, FieldErrors errors) {
        String url = value.strip();
        if (url.isEmpty()) {
            return null;
        }
        String problem = "an absolute http or https address of at most " + KnowledgeLimits.URL_CHARS + " characters";
        if (url.length() > KnowledgeLimits.URL_CHARS || url.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            errors.add("url", problem);
            return null;
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || uri.getHost() == null || uri.getHost().isEmpty()) {
                errors.add("url", problem);
                return null;
            }
        } catch (URISyntaxException e) {
            errors.add("url", problem);
            return null;
        }
        return url;
    }

    private static List<UUID> channelIds(List<String> ids, FieldErrors errors) {
        if (ids.size() > KnowledgeLimits.CHANNEL_IDS) {
            errors.add("channelIds", "at most " + KnowledgeLimits.CHANNEL_IDS + " channels");
            return List.of();
        }
        Set<UUID> out = new LinkedHashSet<>();
        for (String id : ids) {
            try {
                out.add(UUID.fromString(id));
            } catch (IllegalArgumentException | NullPointerException e) {
                errors.add("channelIds", "not a channel id: " + id);
                return List.of();
            }
        }
        return List.copyOf(out);
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }
}
