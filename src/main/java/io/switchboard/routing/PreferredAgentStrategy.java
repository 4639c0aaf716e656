package io.switchboard.routing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * B1 strategies that prefer one named agent: the customer's owner, the contact's owner, or the
 * agent who served a returning customer last. The preferred agent gets the conversation when
 * they are among the candidates and eligible; otherwise the configured fallback picks, and the
 * reason says why the preferred agent could not take it. The owner must be a member of one of
 * the rule's groups: groups are how admins decide who may serve a channel.
 */
public final class PreferredAgentStrategy implements RoutingStrategy {

    public static final String CUSTOMER_OWNER = "customer-owner";
    public static final String CONTACT_OWNER = "contact-owner";
    public static final String LAST_AGENT = "last-agent";

    private final String name;
    private final String role;
    private final Function<RoutingContext, String> preferred;
    private final RoutingStrategy fallback;

    private PreferredAgentStrategy(String name, String role, Function<RoutingContext, String> preferred,
                                   RoutingStrategy fallback) {
        this.name = name;
        this.role = role;
        this.preferred = preferred;
        this.fallback = Objects.requireNonNull(fallback, "fallback");
    }

    public static PreferredAgentStrategy customerOwner(RoutingStrategy fallback) {
        return new PreferredAgentStrategy(CUSTOMER_OWNER, "customer owner", RoutingContext::customerOwnerId, fallback);
    }

    public static PreferredAgentStrategy contactOwner(RoutingStrategy fallback) {
        return new PreferredAgentStrategy(CONTACT_OWNER, "contact owner", RoutingContext::contactOwnerId, fallback);
    }

    public static PreferredAgentStrategy lastAgent(RoutingStrategy fallback) {
        return new PreferredAgentStrategy(LAST_AGENT, "last agent", RoutingContext::lastAgentId, fallback);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return name + " then " + fallback.describe();
    }

    @Override
    public Optional<Choice> choose(List<Candidate> candidates, RoutingContext context) {
        String agentId = preferred.apply(context);
        if (agentId == null) {
            return fallback.choose(candidates, context).map(c -> c.after("no " + role));
        }
        Optional<Candidate> agent = candidates.stream().filter(c -> c.agentId().equals(agentId)).findFirst();
        if (agent.isPresent() && context.eligible(agent.get())) {
            return Optional.of(new Choice(agent.get(), name, role + " " + agentId));
        }
        String why = role + " " + agentId + " " + unavailable(agent, context);
        return fallback.choose(candidates, context).map(c -> c.after(why));
    }

    private static String unavailable(Optional<Candidate> agent, RoutingContext context) {
        if (agent.isEmpty()) {
            return "is not in the rule's open groups";
        }
        Candidate c = agent.get();
        if (context.excludedAgentIds().contains(c.agentId())) {
            return "is excluded this time";
        }
        return switch (c.status()) {
            case OFFLINE -> "is offline";
            case BREAK -> "is on a break";
            case ONLINE -> "is at capacity (" + c.load() + " of " + c.maxConcurrent() + ")";
        };
    }
}
