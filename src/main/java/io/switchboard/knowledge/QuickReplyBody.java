package io.switchboard.knowledge;

import java.util.List;

/**
 * A quick reply as admins and staff send it; on a change, fields left out stay as they are.
 *
 * @param channelIds the channels whose conversations are offered the reply; empty: every
 *                   channel. Only for the tenant's replies: personal ones serve every channel.
 */
public record QuickReplyBody(String category, String title, String text, List<String> channelIds) {}
