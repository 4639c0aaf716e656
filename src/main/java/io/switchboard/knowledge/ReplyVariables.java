package io.switchboard.knowledge;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The placeholders a quick reply's text may hold; the console fills them in when the agent
 * inserts the reply (docs/protocol.md). A placeholder-shaped word that is none of them is
 * refused when the reply is saved, so a typo ({vistor.name}) is caught by the admin who wrote
 * it rather than sent to a visitor. Other braces are plain text.
 */
public final class ReplyVariables {

    /** The visitor's name (their display name, "Visitor #1234" when they gave none), email, and the agent's name. */
    public static final Set<String> KNOWN = Set.of("visitor.name", "visitor.email", "agent.name");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z]+\\.[a-zA-Z]+)}");

    private ReplyVariables() {}

    /** The placeholders of the text that are not known, each once, in order. */
    public static List<String> unknownIn(String text) {
        Set<String> unknown = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(text == null ? "" : text);
        while (m.find()) {
            if (!KNOWN.contains(m.group(1))) {
                unknown.add("{" + m.group(1) + "}");
            }
        }
        return new ArrayList<>(unknown);
    }
}
