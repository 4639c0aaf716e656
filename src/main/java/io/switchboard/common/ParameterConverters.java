package io.switchboard.common;

import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.MatrixParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads numeric, boolean and enum parameters (query, path, header...) so that a malformed one
 * is bad input: 400 problem JSON naming the field ({@code errors: [{field: "afterSeq", ...}]}),
 * like a bad body field, instead of the 404 that JAX-RS answers for an unreadable query or path
 * parameter. The field is the parameter's name as the client wrote it. Decoding is strict: no
 * surrounding blanks, no fractions for integers, only {@code true}/{@code false} for booleans;
 * enums by name, in any case.
 */
@Provider
public class ParameterConverters implements ParamConverterProvider {

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        String field = nameOf(annotations);
        if (field == null) {
            return null;
        }
        Function<String, Object> read = readerFor(rawType);
        if (read == null) {
            return null;
        }
        String expected = expectation(rawType);
        return (ParamConverter<T>) new ParamConverter<Object>() {
            @Override
            public Object fromString(String value) {
                if (value == null) {
                    return null;
                }
                try {
                    return read.apply(value);
                } catch (IllegalArgumentException e) {
                    throw new InvalidParameter(field, "must be " + expected);
                }
            }

            @Override
            public String toString(Object value) {
                return value == null ? null : value instanceof Enum<?> en ? en.name().toLowerCase(Locale.ROOT) : value.toString();
            }
        };
    }

    /** The parameter's name as the client writes it, or null if it is not a named parameter. */
    static String nameOf(Annotation[] annotations) {
        if (annotations == null) {
            return null;
        }
        for (Annotation a : annotations) {
            if (a instanceof QueryParam q) {
                return q.value();
            }
            if (a instanceof PathParam p) {
                return p.value();
            }
            if (a instanceof HeaderParam h) {
                return h.value();
            }
            if (a instanceof FormParam f) {
                return f.value();
            }
            if (a instanceof MatrixParam m) {
                return m.value();
            }
            if (a instanceof CookieParam c) {
                return c.value();
            }
        }
        return null;
    }

    /** A strict reader for the types handled here, or null. Throws IllegalArgumentException. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Function<String, Object> readerFor(Class<?> type) {
        if (type == long.class || type == Long.class) {
            return Long::parseLong;
        }
        if (type == int.class || type == Integer.class) {
            return Integer::parseInt;
        }
        if (type == short.class || type == Short.class) {
            return Short::parseShort;
        }
        if (type == double.class || type == Double.class) {
            return s -> finite(Double.parseDouble(strict(s)));
        }
        if (type == float.class || type == Float.class) {
            return s -> (float) finite(Float.parseFloat(strict(s)));
        }
        if (type == boolean.class || type == Boolean.class) {
            return s -> switch (s.toLowerCase(Locale.ROOT)) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException(s);
            };
        }
        if (type.isEnum()) {
            Class<? extends Enum> e = (Class<? extends Enum>) type;
            return s -> Arrays.stream(e.getEnumConstants())
                    .filter(c -> ((Enum<?>) c).name().equalsIgnoreCase(s))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException(s));
        }
        return null;
    }

    static String expectation(Class<?> type) {
        if (type == long.class || type == Long.class || type == int.class || type == Integer.class
                || type == short.class || type == Short.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        return "one of " + Arrays.stream(type.getEnumConstants())
                .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }

    private static String strict(String s) {
        // Double.parseDouble accepts blanks around the number and suffixes like 'd'.
        if (s.isEmpty() || Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))
                || Character.isLetter(s.charAt(s.length() - 1))) {
            throw new IllegalArgumentException(s);
        }
        return s;
    }

    private static double finite(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException(Double.toString(d));
        }
        return d;
    }
}
