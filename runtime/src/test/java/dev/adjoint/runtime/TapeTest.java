package dev.adjoint.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TapeTest {

  @Test
  void readsBackInTheReverseOrderOfPushesAcrossGrowth() {
    Tape tape = new Tape();
    for (int i = 0; i < 1000; i++) {
      tape.pushDouble(i * 0.5);
      tape.pushInt(-i);
      tape.pushBoolean(i % 3 == 0);
      tape.pushObject("o" + i);
    }
    assertThat(tape.size()).isEqualTo(4000);
    Tape.Reader reader = tape.reader();
    for (int i = 999; i >= 0; i--) {
      assertThat(reader.popObject()).isEqualTo("o" + i);
      assertThat(reader.popBoolean()).isEqualTo(i % 3 == 0);
      assertThat(reader.popInt()).isEqualTo(-i);
      assertThat(reader.popDouble()).isEqualTo(i * 0.5);
    }
    assertThat(reader.remaining()).isEqualTo(0);
  }

  @Test
  void popsAsAStackBetweenPushesAndLeavesTheRestToAReader() {
    Tape tape = new Tape();
    tape.pushDouble(-1.0); // a record from before the fused loop
    for (int trip = 0; trip < 100; trip++) {
      for (int i = 0; i < 40; i++) { // across growth of every stack
        tape.pushDouble(trip + i * 0.25);
        tape.pushInt(trip * i);
        tape.pushBoolean(i % 2 == 0);
        tape.pushObject("t" + trip + "i" + i);
      }
      for (int i = 39; i >= 0; i--) {
        assertThat(tape.popObject()).isEqualTo("t" + trip + "i" + i);
        assertThat(tape.popBoolean()).isEqualTo(i % 2 == 0);
        assertThat(tape.popInt()).isEqualTo(trip * i);
        assertThat(tape.popDouble()).isEqualTo(trip + i * 0.25);
      }
      assertThat(tape.size()).isEqualTo(1);
    }
    assertThat(tape.reader().popDouble()).isEqualTo(-1.0);
    assertThat(tape.popDouble()).isEqualTo(-1.0);
    assertThrows(IllegalStateException.class, tape::popDouble);
    assertThrows(IllegalStateException.class, tape::popInt);
    assertThrows(IllegalStateException.class, tape::popObject);
  }

  @Test
  void readingLeavesTheTapeForTheNextReader() {
    Tape tape = new Tape();
    tape.pushDouble(1.5);
    tape.pushInt(7);
    assertThat(tape.reader().popInt()).isEqualTo(7);
    Tape.Reader again = tape.reader();
    assertThat(again.popInt()).isEqualTo(7);
    assertThat(again.popDouble()).isEqualTo(1.5);
    assertThat(tape.size()).isEqualTo(2);
  }

  @Test
  void keepsDoublesBitForBit() {
    Tape tape = new Tape();
    double[] values = {-0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.MIN_VALUE, 1e308};
    for (double v : values) {
      tape.pushDouble(v);
    }
    Tape.Reader reader = tape.reader();
    for (int i = values.length - 1; i >= 0; i--) {
      assertThat(Double.doubleToRawLongBits(reader.popDouble()))
          .isEqualTo(Double.doubleToRawLongBits(values[i]));
    }
  }

  @Test
  void clearKeepsCapacityAndEmptiesEveryStack() {
    Tape tape = new Tape();
    for (int i = 0; i < 100; i++) {
      tape.pushDouble(i);
      tape.pushObject(new Object());
    }
    long capacity = tape.capacityBytes();
    tape.clear();
    assertThat(tape.size()).isEqualTo(0);
    assertThat(tape.capacityBytes()).isEqualTo(capacity);
    assertThrows(IllegalStateException.class, tape.reader()::popDouble);
    assertThrows(IllegalStateException.class, tape.reader()::popObject);
  }

  @Test
  void readingPastTheStartNamesTheKindAndSaysItIsABug() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, new Tape().reader()::popInt);
    assertThat(e).hasMessageThat().contains("read an int");
    assertThat(e).hasMessageThat().contains("bug in generated code");
  }

  @Test
  void aRewoundReaderReadsAReusedTapeAgain() {
    Tape tape = new Tape();
    Tape.Reader reader = tape.reader();
    for (int call = 0; call < 3; call++) {
      tape.clear();
      tape.pushDouble(call);
      tape.pushInt(call * 10);
      reader.rewind();
      assertThat(reader.popInt()).isEqualTo(call * 10);
      assertThat(reader.popDouble()).isEqualTo((double) call);
      assertThat(reader.remaining()).isEqualTo(0);
    }
  }

  @Test
  void buffersAreReusedWhileTheLengthStaysAndZeroedEachTime() {
    double[] first = Buffers.zeroed(null, 3);
    first[1] = 5;
    double[] again = Buffers.zeroed(first, 3);
    assertThat(again).isSameInstanceAs(first);
    assertThat(again).usingExactEquality().containsExactly(0.0, 0.0, 0.0);
    assertThat(Buffers.zeroed(first, 4)).hasLength(4);
  }

  @Test
  void addToGathersACotangentArrayAndChecksTheLength() {
    double[] target = {1, 2, 3};
    Buffers.addTo(target, new double[] {0.5, -2, 0});
    assertThat(target).usingExactEquality().containsExactly(1.5, 0.0, 3.0).inOrder();
    assertThrows(IllegalArgumentException.class, () -> Buffers.addTo(target, new double[2]));
  }
}
