package dev.adjoint.processor.validation;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The "did you mean" of names that do not resolve. */
class EditDistanceTest {

  @Test
  void countsEachInsertionDeletionSubstitutionAndTranspositionOnce() {
    assertThat(EditDistance.between("softplus", "softplus")).isEqualTo(0);
    assertThat(EditDistance.between("sofplus", "softplus")).isEqualTo(1);
    assertThat(EditDistance.between("softplus", "sotfplus")).isEqualTo(1);
    assertThat(EditDistance.between("softplus", "softplux")).isEqualTo(1);
    assertThat(EditDistance.between("Softplus", "softplus")).isEqualTo(0);
    assertThat(EditDistance.between("", "abc")).isEqualTo(3);
    assertThat(EditDistance.between("kitten", "sitting")).isEqualTo(3);
  }

  @Test
  void suggestsTheNearestCloseNameFirstInOrderOnTies() {
    assertThat(EditDistance.mostSimilar("sofplus", List.of("sigmoid", "softplus", "softmax")))
        .hasValue("softplus");
    assertThat(EditDistance.mostSimilar("fo", List.of("f", "foo"))).hasValue("f");
    assertThat(EditDistance.mostSimilar("F", List.of("f"))).hasValue("f");
  }

  @Test
  void suggestsNothingFarOrUnrelated() {
    assertThat(EditDistance.mostSimilar("logistic", List.of("softplus"))).isEmpty();
    assertThat(EditDistance.mostSimilar("f", List.of("g"))).isEmpty();
    assertThat(EditDistance.mostSimilar("", List.of("f"))).isEmpty();
    assertThat(EditDistance.mostSimilar("f", List.of("f"))).isEmpty();
    assertThat(EditDistance.mostSimilar("f", List.of())).isEmpty();
  }
}
