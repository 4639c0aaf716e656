package io.switchboard.knowledge;

/**
 * Sizes of quick replies and knowledge-base articles (A7, C9), part of the public contract
 * (docs/protocol.md). Characters are code points, so a Chinese text gets as many as an English one.
 */
final class KnowledgeLimits {

    static final int CATEGORY_CHARS = 50;
    static final int REPLY_TITLE_CHARS = 100;
    /** Below a message's 5000 so that a reply with its variables filled in still fits one message. */
    static final int REPLY_TEXT_CHARS = 4000;
    static final int ARTICLE_TITLE_CHARS = 200;
    static final int ARTICLE_BODY_CHARS = 50_000;
    static final int TAGS = 20;
    static final int TAG_CHARS = 40;
    static final int CHANNEL_IDS = 50;
    /** An article's address: browsers and chat apps handle far longer, but no help centre needs more. */
    static final int URL_CHARS = 2000;
    /** How many of each a tenant, or one staff member for their own replies, may keep. */
    static final int TENANT_REPLIES = 5000;
    static final int PERSONAL_REPLIES = 300;
    static final int ARTICLES = 20_000;

    private KnowledgeLimits() {}
}
