package io.switchboard.channel;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of channel a visitor can reach the tenant through. The schema knows all three;
 * an administrator can create a kind only once its adapter exists ({@link #creatable()}).
 */
public enum ChannelKind {
    /** The web widget: {@code /widget/{channelKey}}. */
    WEB("web", true),
    /** A WeChat official account (its adapter is not built yet). */
    WECHAT("wechat", false),
    /** An app or backend posting messages with an API key (its adapter is not built yet). */
    API("api", false);

    private final String wire;
    private final boolean creatable;

    ChannelKind(String wire, boolean creatable) {
        this.wire = wire;
        this.creatable = creatable;
    }

    /** The name in JSON and in the {@code channels.kind} column. */
    public String wire() {
        return wire;
    }

    /** Whether an administrator may create a channel of this kind in this version. */
    public boolean creatable() {
        return creatable;
    }

    public static Optional<ChannelKind> parse(String wire) {
        return Arrays.stream(values()).filter(k -> k.wire.equals(wire)).findFirst();
    }

    /** The kinds that can be created, as a sentence fragment for error messages: "web". */
    public static String creatableList() {
        return String.join(", ", Arrays.stream(values()).filter(ChannelKind::creatable).map(ChannelKind::wire).toList());
    }
}
