package io.switchboard.routing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.switchboard.routing.Agents.online;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class StrategyRegistryTest {

    @Test
    void everyListedNameCreatesTheStrategyOfThatName() {
        for (String name : StrategyRegistry.NAMES) {
            assertThat(StrategyRegistry.create(name).name()).isEqualTo(name);
            assertThat(StrategyRegistry.isKnown(name)).isTrue();
        }
        assertThat(StrategyRegistry.NAMES).contains("least-load", "round-robin", "fewest-today", "customer-owner",
                "contact-owner", "last-agent", "skill-weighted");
    }

    @Test
    void preferringStrategiesFallBackToLeastLoadUnlessToldOtherwise() {
        assertThat(StrategyRegistry.create("customer-owner").describe()).isEqualTo("customer-owner then least-load");
        assertThat(StrategyRegistry.create("last-agent", "round-robin").describe()).isEqualTo("last-agent then round-robin");
    }

    @Test
    void theConfiguredFallbackIsTheOneThatPicks() {
        RoutingStrategy strategy = StrategyRegistry.create("customer-owner", "fewest-today");
        Choice choice = strategy.choose(List.of(online("a").withTodayCount(9), online("b", 4, 5).withTodayCount(1)),
                RoutingContext.none()).orElseThrow();
        assertThat(choice.agent().agentId()).isEqualTo("b");
        assertThat(choice.strategy()).isEqualTo("fewest-today");
    }

    @Test
    void plainStrategiesIgnoreAFallback() {
        assertThat(StrategyRegistry.create("round-robin", "least-load").describe()).isEqualTo("round-robin");
    }

    @Test
    void anUnknownNameIsRefusedWithTheKnownNames() {
        assertThatIllegalArgumentException().isThrownBy(() -> StrategyRegistry.create("random"))
                .withMessageContaining("unknown strategy 'random'").withMessageContaining("least-load");
        assertThatIllegalArgumentException().isThrownBy(() -> StrategyRegistry.create(null));
        assertThat(StrategyRegistry.isKnown("random")).isFalse();
        assertThat(StrategyRegistry.isKnown(null)).isFalse();
    }

    @Test
    void aPreferringStrategyCannotBeAFallbackSoChainsCannotLoop() {
        assertThatIllegalArgumentException().isThrownBy(() -> StrategyRegistry.create("customer-owner", "last-agent"))
                .withMessageContaining("cannot be a fallback");
        assertThat(StrategyRegistry.isFallback("last-agent")).isFalse();
        assertThat(StrategyRegistry.isFallback("skill-weighted")).isTrue();
    }
}
