package io.switchboard.common;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

import java.io.IOException;

/**
 * Reading JSON bodies and frames strictly, so that odd input is refused as bad input (400,
 * or a frame error) instead of failing later as a fault:
 * <ul>
 * <li>PostgreSQL text cannot hold U+0000: a string carrying one would fail at the database
 *     as if storage were down (503). Refused while reading, naming the field.</li>
 * <li>A key given twice (<code>{"status":"a","status":"b"}</code>) is ambiguous and made
 *     Jackson fail to build records (500): now it is malformed JSON.</li>
 * </ul>
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    /** True if the text cannot be stored as PostgreSQL text. */
    public static boolean hasNul(String s) {
        return s != null && s.indexOf('\u0000') >= 0;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.registerModule(new SimpleModule("no-nul-strings").addDeserializer(String.class, new Deserializer()));
    }

    static final class Deserializer extends StdScalarDeserializer<String> {
        Deserializer() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            String s = StringDeserializer.instance.deserialize(p, ctx);
            if (hasNul(s)) {
                throw InvalidFormatException.from(p, "text must not contain U+0000", s, String.class);
            }
            return s;
        }
    }
}
