package dev.adjoint.processor.validation;

import dev.adjoint.processor.diagnostics.Report;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.model.VjpRule;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * Checks the custom rules of one class: pairs each {@code @CustomVjp} method with its {@code @Fwd}
 * and {@code @Bwd} companions and checks their shapes (DESIGN.md, "Rule shapes").
 */
public final class RuleValidator {

  /** The rules of the primals whose companions are valid, in source order, and the report. */
  public record Result(Map<ExecutableElement, VjpRule> rules, Report report) {}

  private final ProcessingEnvironment env;

  public RuleValidator(ProcessingEnvironment env) {
    this.env = env;
  }

  /**
   * Checks every {@code @Fwd} and {@code @Bwd} method of {@code type} and every {@code @CustomVjp}
   * method in {@code signatures}.
   *
   * @param type the class
   * @param signatures the {@code @CustomVjp} methods of the class whose own signatures are valid,
   *     in source order
   */
  public Result check(TypeElement type, Map<ExecutableElement, Signature> signatures) {
    Map<ExecutableElement, VjpRule> rules = new LinkedHashMap<>();
    Report.Builder report = Report.builder();
    // Placeholder wiring: replaced by the full checks.
    return new Result(rules, report.build());
  }

  ProcessingEnvironment env() {
    return env;
  }
}
