package io.switchboard.web;

import com.microsoft.playwright.Page;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The protocol client that the console and the widget share (web/shared/protocol-client.js),
 * its decisions checked on their own in Chromium: the module's source as it is bundled,
 * imported into an empty page. Its Link is exercised against the real service by the
 * console's and the widget's browser tests (dropped links, lost frames, resume).
 */
class ProtocolClientInBrowserTest {

    private static final Path SOURCE = Path.of("src/main/resources/web/shared/protocol-client.js");

    @RegisterExtension
    final BrowserSupport browser = new BrowserSupport();

    private Page page;

    @BeforeEach
    void load() throws IOException {
        page = browser.newPage();
        page.navigate("about:blank");
        page.evaluate("async src => { window.pc = await import(URL.createObjectURL(new Blob([src], {type: 'text/javascript'}))); }",
                Files.readString(SOURCE));
    }

    @Test
    void theOutboxKeepsWhatIsNotAcknowledgedAndSavesEveryChange() {
        Object result = page.evaluate("""
                () => {
                  let saves = 0;
                  const box = new pc.Outbox(undefined, () => saves++);
                  box.add({clientId: 'c1', text: 'one'});
                  box.add({clientId: 'c2', text: 'two'});
                  const acked = box.take('c1');
                  const again = box.take('c1');
                  return {acked: acked.text, again, left: [...box].map(i => i.clientId), saves};
                }""");
        assertThat(asMap(result)).containsEntry("acked", "one").containsEntry("again", null)
                .containsEntry("left", List.of("c2")).containsEntry("saves", 3);
    }

    @Test
    void aQueuedMessageKeepsItsFilesAndItsFrameNamesThemAfterAReload() {
        Object result = page.evaluate("""
                () => {
                  let stored = null;
                  const box = new pc.Outbox([], () => { stored = JSON.stringify(box.items); });
                  box.add({clientId: 'w-1', text: '', at: 'now', attachments: [
                    {id: 'a1', name: 'photo.png', size: 10, contentType: 'image/png', url: '/api/v1/attachments/a1'},
                    {id: 'a2', name: 'terms.pdf', size: 20, contentType: 'application/pdf', url: '/api/v1/attachments/a2'}]});
                  box.add({clientId: 'w-2', text: 'plain'});
                  // The page reloads: the outbox comes back from what was saved.
                  const reloaded = new pc.Outbox(JSON.parse(stored), () => {});
                  return {
                    withFiles: pc.messageFrame(reloaded.find('w-1'), 'conv-1'),
                    plain: pc.messageFrame(reloaded.find('w-2'), undefined),
                    note: pc.messageFrame({clientId: 'a-1', text: 'x', internal: true}, 'conv-1'),
                  };
                }""");
        Map<String, Object> frames = asMap(result);
        assertThat(asMap(frames.get("withFiles"))).containsEntry("type", "message").containsEntry("clientId", "w-1")
                .containsEntry("conversationId", "conv-1").containsEntry("text", "")
                .containsEntry("attachments", List.of("a1", "a2"));
        assertThat(asMap(frames.get("plain"))).containsEntry("text", "plain").doesNotContainKey("attachments")
                .doesNotContainKey("internal");
        assertThat(asMap(frames.get("note"))).containsEntry("internal", true);
    }

    @Test
    void anErrorThatStoredNothingSendsTheSameMessageAgainAndAnyOtherGivesItUp() {
        Object result = page.evaluate("""
                async () => {
                  const box = new pc.Outbox([{clientId: 'c1'}, {clientId: 'c2'}], () => {});
                  const resent = [];
                  const failed = [];
                  const mine1 = box.refused({type: 'error', code: 'unavailable', ref: 'c1'}, i => resent.push(i.clientId), i => failed.push(i.clientId));
                  const mine2 = box.refused({type: 'error', code: 'invalid', ref: 'c2'}, i => resent.push(i.clientId), i => failed.push(i.clientId));
                  const other = box.refused({type: 'error', code: 'invalid', ref: 'elsewhere'}, () => {}, () => {});
                  const beforeWait = resent.length;
                  await new Promise(r => setTimeout(r, pc.RETRY_MS + 200));
                  return {mine1, mine2, other, beforeWait, resent, failed, left: [...box].map(i => i.clientId)};
                }""");
        assertThat(asMap(result)).containsEntry("mine1", true).containsEntry("mine2", true)
                .containsEntry("other", false).containsEntry("beforeWait", 0)
                .containsEntry("resent", List.of("c1")).containsEntry("failed", List.of("c2"))
                .containsEntry("left", List.of("c1"));
    }

    @Test
    void aHoleStillOpenAfterTheWaitIsAskedForAndOneThatFilledIsNot() {
        Object result = page.evaluate("""
                async () => {
                  const wait = () => new Promise(r => setTimeout(r, 120));
                  const asked = [];
                  const gap = new pc.GapWatch(from => asked.push(from), 50);
                  gap.open(4, from => from);          // still open: asked from its start
                  gap.open(7, from => from);          // a later hole while one is open: the earliest counts
                  await wait();
                  const afterOpen = [...asked];
                  gap.open(10, () => null);           // filled meanwhile: nothing asked
                  await wait();
                  const afterFilled = [...asked];
                  gap.open(12, () => pc.GapWatch.LATER); // link down: kept for the reconnect
                  await wait();
                  const kept = gap.isOpen;
                  const resumeFrom = gap.resumeFrom(20);
                  const plainResume = gap.resumeFrom(20);
                  return {afterOpen, afterFilled, kept, resumeFrom, plainResume, stillOpen: gap.isOpen};
                }""");
        assertThat(asMap(result)).containsEntry("afterOpen", List.of(4)).containsEntry("afterFilled", List.of(4))
                .containsEntry("kept", true).containsEntry("resumeFrom", 12).containsEntry("plainResume", 20)
                .containsEntry("stillOpen", false);
    }

    @Test
    void reconnectsBackOffFromHalfASecondToTenSecondsSpreadByAFifth() {
        @SuppressWarnings("unchecked")
        List<List<Number>> bounds = (List<List<Number>>) page.evaluate("""
                () => [0, 1, 2, 3, 4, 5, 6, 9].map(a => {
                  const d = Array.from({length: 200}, () => pc.backoffDelay(a));
                  return [Math.min(...d), Math.max(...d)];
                })""");
        double[] base = {500, 1000, 2000, 4000, 8000, 10000, 10000, 10000};
        for (int i = 0; i < base.length; i++) {
            assertThat(bounds.get(i).get(0).doubleValue()).as("attempt %d, shortest", i).isGreaterThanOrEqualTo(base[i] * 0.8);
            assertThat(bounds.get(i).get(1).doubleValue()).as("attempt %d, longest", i).isLessThanOrEqualTo(base[i] * 1.2);
        }
    }

    @Test
    void clientIdsAreFreshAndCarryTheirSidesPrefix() {
        @SuppressWarnings("unchecked")
        List<String> ids = (List<String>) page.evaluate("() => Array.from({length: 50}, () => pc.newClientId('w'))");
        assertThat(ids).doesNotHaveDuplicates().allMatch(id -> id.startsWith("w-") && id.length() > 10);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object evaluated) {
        return (Map<String, Object>) evaluated;
    }
}
