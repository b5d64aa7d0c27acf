package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageColumnsTests {

    @Test
    void everyColumnNameIsAmongTheColumnsTheFormatReads() throws IllegalAccessException {
        // given
        List<Object> names = new ArrayList<>();
        for (Field field : UsageColumns.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                names.add(field.get(null));
            }
        }

        // when, then
        assertThat(UsageColumns.ALL)
                .containsExactlyInAnyOrderElementsOf(
                        names.stream().map(String.class::cast).toList());
    }
}
