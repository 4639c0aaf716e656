package io.switchboard.common;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.protocol.ServerFrames;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the framework-free protocol classes injectable. */
public class Beans {

    @Produces
    @Singleton
    ServerFrames serverFrames(ObjectMapper mapper) {
        return new ServerFrames(mapper);
    }
}
