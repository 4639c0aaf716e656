package io.switchboard.customer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** F4: the engine and keyword of a referrer, for the engines visitors of Chinese and other sites come from. */
class SearchKeywordTest {

    private static SearchKeyword.Found found(String referrer) {
        return SearchKeyword.of(referrer).orElseThrow(() -> new AssertionError("nothing found in " + referrer));
    }

    @Test
    void baiduPassesTheKeywordInWdOrOnMobileInWord() {
        assertEquals(new SearchKeyword.Found("baidu", "退款"), found("https://www.baidu.com/s?ie=utf-8&wd=%E9%80%80%E6%AC%BE&rsv_spt=1"));
        assertEquals(new SearchKeyword.Found("baidu", "退货 运费"), found("https://m.baidu.com/s?word=%E9%80%80%E8%B4%A7+%E8%BF%90%E8%B4%B9"));
    }

    @Test
    void aBaiduPageInGbkIsDecodedAsGbk() {
        // 退款 in GBK is CD CB BF EE.
        assertEquals("退款", found("http://www.baidu.com/s?ie=gbk&wd=%CD%CB%BF%EE").keyword());
    }

    @Test
    void googleOnAnyCountryDomainBingSogouAnd360AreRead() {
        assertEquals(new SearchKeyword.Found("google", "order status"), found("https://www.google.com.hk/search?q=order+status"));
        assertEquals(new SearchKeyword.Found("google", "refund"), found("https://www.google.de/url?q=refund&sa=t"));
        assertEquals(new SearchKeyword.Found("bing", "switchboard chat"), found("https://cn.bing.com/search?q=switchboard%20chat&form=QBLH"));
        assertEquals(new SearchKeyword.Found("sogou", "发票"), found("https://www.sogou.com/web?query=%E5%8F%91%E7%A5%A8"));
        assertEquals(new SearchKeyword.Found("360", "客服"), found("https://www.so.com/s?q=%E5%AE%A2%E6%9C%8D"));
    }

    @Test
    void anEngineThatHidTheKeywordIsStillNamed() {
        SearchKeyword.Found google = found("https://www.google.com/");
        assertEquals("google", google.engine());
        assertNull(google.keyword());
    }

    @Test
    void otherSitesLookAlikesAndNonWebReferrersGiveNothing() {
        for (String r : new String[] {"https://example.com/?q=refund", "https://notbaidu.com/s?wd=x", "https://baidu.com.evil.example/s?wd=x",
                "https://google.evil.example/?q=x", "javascript:alert(1)", "android-app://com.google.android.gm", "", "not a url", null}) {
            assertTrue(SearchKeyword.of(r).isEmpty(), String.valueOf(r));
        }
    }

    @Test
    void aMalformedEscapeOrAnEmptyKeywordGivesNoKeywordAndALongOneIsCut() {
        assertNull(found("https://www.bing.com/search?q=%ZZ").keyword());
        assertNull(found("https://www.bing.com/search?q=").keyword());
        assertEquals(SearchKeyword.MAX_KEYWORD_CHARS, found("https://www.bing.com/search?q=" + "a".repeat(500)).keyword().length());
    }
}
