package dev.adjoint.processor.transform.analysis;

import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Report;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import java.util.Optional;

/**
 * The subset every mode differentiates, checked on a normalised body once its activity is known:
 * calls that are not differentiated with a differentiable argument or an array they could write
 * behind the derivative's back, {@code float} on differentiable data, and (through {@link
 * Detours}) values that leave through something with no tangent and come back as a double.
 */
public final class Subset {
  private Subset() {}

  /** Errors for what the transformer cannot differentiate: opaque calls and floats on active data. */
  public static Report check(Activity activity, Stmt.Block body) {
    Report.Builder report = Report.builder();
    IrWalker.forEachExpr(body, e -> {
      Optional<Variable> array = e instanceof Expr.OpaqueCall call && !readsOnly(call)
          ? call.args().stream()
              .filter(arg -> arg instanceof Expr.Read r
                  && (Expr.isArray(r.type()) || Expr.isDiscreteArray(r.type()))
                  && (activity.varies(arg) || r.variable().kind() != Variable.Kind.PARAM))
              .map(arg -> ((Expr.Read) arg).variable()).findFirst()
          : Optional.empty();
      if (array.isPresent()) {
        // It could write into the array behind the reverse sweep's back, or read a
        // differentiable one. (@NoDiff parameter arrays, and discrete ones, are data the caller
        // owns: allowed, and copied where the reverse sweep needs them as they were.)
        Expr.OpaqueCall call = (Expr.OpaqueCall) e;
        report.add(Message.ARRAY_ARGUMENT, call.ref(), call.describe(),
            array.get().hint());
      } else if (e instanceof Expr.OpaqueCall call && mayCarryValue(call.type())) {
        boolean variedArgs = call.args().stream().anyMatch(activity::varies)
            || (call.receiver() != null && activity.varies(call.receiver()));
        if (variedArgs) {
          String name = call.describe();
          report.add(Message.UNSUPPORTED_CALL, call.ref(), name, call.name(),
              mathHint(call));
        }
      } else if (e instanceof Expr.Cast cast && cast.type().equals(TypeName.FLOAT)
          && activity.varies(cast.operand())) {
        report.add(Message.UNSUPPORTED_EXPRESSION_TYPE, cast.ref(), "float",
            "float is not supported yet: keep differentiable values in double");
      }
    });
    report.addAll(Detours.check(activity, body)); // boxes, Strings, bits: see Detours
    return report.build();
  }

  /**
   * Whether {@code call} is one a Hessian-vector sweep makes that neither writes nor keeps the
   * arrays it is given: a callee's {@code gHvpAt(args)} (which copies them), or its {@code
   * Replay}'s ({@code sync} writes back what the call it follows left there, which the reverse
   * sweep sees as that call's write).
   */
  private static boolean readsOnly(Expr.OpaqueCall call) {
    return call.makesProductsAtPoint()
        || call.owner().toString().equals("dev.adjoint.runtime.Replay");
  }

  private static String mathHint(Expr.OpaqueCall call) {
    String owner = call.owner().toString();
    if (owner.equals("java.lang.Math") || owner.equals("java.lang.StrictMath")) {
      return " (" + call.name() + " is not among the supported Math functions; see docs/diagnostics.md)";
    }
    return "";
  }

  /**
   * Whether a call's result would need a derivative for a differentiable argument: a double, or
   * an array. (A String or an object that holds the value is followed by {@link Detours}, which
   * reports where it becomes a double again; an int's derivative is 0 wherever it has one.)
   */
  private static boolean mayCarryValue(TypeName t) {
    return Detours.resultNeedsDerivative(t);
  }
}
