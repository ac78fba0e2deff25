package io.natsbank.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RowLocationTest {
  @Test
  void theTextFormReadsBackAsTheSameLocation() {
    for (RowLocation location : new RowLocation[] {new RowLocation(0, 1), new RowLocation(987_654, 42),
        new RowLocation(RowLocation.PAGE_MAX, RowLocation.ITEM_MAX)}) {
      assertEquals(location, RowLocation.parse(location.toString()));
    }
    assertEquals("(4294967295,65535)", new RowLocation(RowLocation.PAGE_MAX, RowLocation.ITEM_MAX).toString());
    assertEquals(new RowLocation(3, 7), RowLocation.parse("(3,7)"));
  }

  @Test
  void whatIsNoLocationIsRefusedWithTheText() {
    for (String text : new String[] {"", "(1,)", "(,1)", "1,1", "(1,1", "(a,1)", "(1,b)", "(1;1)", "(-1,1)", "(1,0)",
        "(4294967296,1)", "(1,65536)", "(1,2,3)"}) {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> RowLocation.parse(text),
          text);
      assertTrue(refused.getMessage().contains(text), refused.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> RowLocation.parse(null));
    assertThrows(IllegalArgumentException.class, () -> new RowLocation(0, 0));
  }
}
