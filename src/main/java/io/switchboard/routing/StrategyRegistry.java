package io.switchboard.routing;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Turns the strategy names admins put on a routing rule into strategies. The names are the
 * stable configuration vocabulary stored in PostgreSQL and accepted over REST, so they are
 * listed here once; admin validation asks {@link #isKnown} and {@link #isFallback}.
 *
 * <p>Strategies that prefer a named agent need a fallback for when that agent cannot take the
 * conversation. A fallback must be one of the strategies that can always pick among eligible
 * agents, so a chain of preferences cannot loop or leave the fallback undefined.
 */
public final class StrategyRegistry {

    /** The fallback when a rule names none: least load spreads work without any extra data. */
    public static final String DEFAULT_FALLBACK = LeastLoadStrategy.NAME;

    private static final Map<String, Supplier<RoutingStrategy>> PLAIN = Map.of(
            LeastLoadStrategy.NAME, LeastLoadStrategy::new,
            RoundRobinStrategy.NAME, RoundRobinStrategy::new,
            FewestTodayStrategy.NAME, FewestTodayStrategy::new,
            SkillWeightedStrategy.NAME, SkillWeightedStrategy::new);

    private static final Map<String, Function<RoutingStrategy, RoutingStrategy>> PREFERRED = Map.of(
            PreferredAgentStrategy.CUSTOMER_OWNER, PreferredAgentStrategy::customerOwner,
            PreferredAgentStrategy.CONTACT_OWNER, PreferredAgentStrategy::contactOwner,
            PreferredAgentStrategy.LAST_AGENT, PreferredAgentStrategy::lastAgent);

    /** Every configurable name, in the order the admin console lists them. */
    public static final List<String> NAMES = List.of(LeastLoadStrategy.NAME, RoundRobinStrategy.NAME,
            FewestTodayStrategy.NAME, PreferredAgentStrategy.CUSTOMER_OWNER, PreferredAgentStrategy.CONTACT_OWNER,
            PreferredAgentStrategy.LAST_AGENT, SkillWeightedStrategy.NAME);

    private StrategyRegistry() {
    }

    public static boolean isKnown(String name) {
        return name != null && (PLAIN.containsKey(name) || PREFERRED.containsKey(name));
    }

    /** May this strategy serve as another's fallback? */
    public static boolean isFallback(String name) {
        return name != null && PLAIN.containsKey(name);
    }

    /** The named strategy, with the default fallback where it needs one. */
    public static RoutingStrategy create(String name) {
        return create(name, null);
    }

    /**
     * @param fallback the strategy a preferring strategy falls back to; null for {@value #DEFAULT_FALLBACK};
     *                 ignored by strategies that need none
     * @throws IllegalArgumentException for an unknown name or a fallback that is not a plain strategy
     */
    public static RoutingStrategy create(String name, String fallback) {
        Supplier<RoutingStrategy> plain = name == null ? null : PLAIN.get(name);
        if (plain != null) {
            return plain.get();
        }
        Function<RoutingStrategy, RoutingStrategy> preferring = name == null ? null : PREFERRED.get(name);
        if (preferring == null) {
            throw new IllegalArgumentException("unknown strategy '" + name + "'; known: " + String.join(", ", NAMES));
        }
        String fallbackName = fallback == null ? DEFAULT_FALLBACK : fallback;
        if (!isFallback(fallbackName)) {
            throw new IllegalArgumentException("'" + fallbackName + "' cannot be a fallback; use one of "
                    + String.join(", ", PLAIN.keySet().stream().sorted().toList()));
        }
        return preferring.apply(PLAIN.get(fallbackName).get());
    }
}
