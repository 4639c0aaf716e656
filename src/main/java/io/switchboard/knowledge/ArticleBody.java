package io.switchboard.knowledge;

import java.util.List;

/**
 * A knowledge-base article as admins send it; on a change, fields left out stay as they are.
 *
 * @param channelIds the channels whose conversations find the article; empty: every channel
 * @param url        where the article is published (the business's help centre), an absolute
 *                   http or https address an agent can send as a link; "" removes it
 */
public record ArticleBody(String title, String body, List<String> tags, List<String> channelIds, String url) {}
