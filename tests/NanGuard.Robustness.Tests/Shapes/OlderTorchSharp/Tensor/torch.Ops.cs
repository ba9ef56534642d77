// An older TorchSharp shape (before 0.107: the subset NanGuard touches), kept as data for the variant tests.
// Shapes follow TorchSharp's src/TorchSharp/Tensor/torch.PointwiseOps.cs, torch.ReductionOps.cs,
// torch.ComparisonOps.cs, torch.IndexingSlicingJoiningMutatingOps.cs and torch.OtherOperations.cs.
namespace TorchSharp;

public static partial class torch
{
    // ---- pointwise
    public static Tensor abs(Tensor input) => throw null!;
    public static Tensor abs_(Tensor input) => throw null!;
    public static Tensor acos(Tensor input) => throw null!;
    public static Tensor acos_(Tensor input) => throw null!;
    public static Tensor asin(Tensor input) => throw null!;
    public static Tensor asin_(Tensor input) => throw null!;
    public static Tensor exp(Tensor input) => throw null!;
    public static Tensor exp_(Tensor input) => throw null!;
    public static Tensor expm1(Tensor input) => throw null!;
    public static Tensor expm1_(Tensor input) => throw null!;
    public static Tensor log(Tensor input) => throw null!;
    public static Tensor log_(Tensor input) => throw null!;
    public static Tensor log1p(Tensor input) => throw null!;
    public static Tensor log1p_(Tensor input) => throw null!;
    public static Tensor sqrt(Tensor input) => throw null!;
    public static Tensor sqrt_(Tensor input) => throw null!;
    public static Tensor pow(Tensor input, Tensor exponent) => throw null!;
    public static Tensor pow(Tensor input, Scalar exponent) => throw null!;
    public static Tensor sigmoid(Tensor input) => throw null!;
    public static Tensor sigmoid_(Tensor input) => throw null!;
    public static Tensor relu(Tensor input) => throw null!;
    public static Tensor xlogy(Tensor x, Tensor y) => throw null!;
    public static Tensor xlogy(Tensor x, Scalar y) => throw null!;

    // There is no top-level torch.log_softmax; note `int dim` here against `long dim` elsewhere.
    public static Tensor softmax(Tensor input, int dim, ScalarType? dtype = null) => throw null!;

    public static Tensor clamp(Tensor input, Scalar? min = null, Scalar? max = null) => throw null!;
    public static Tensor clamp(Tensor input, Tensor? min = null, Tensor? max = null) => throw null!;
    public static Tensor clip(Tensor input, Scalar? min = null, Scalar? max = null) => throw null!;
    public static Tensor clip(Tensor input, Tensor? min = null, Tensor? max = null) => throw null!;
    public static Tensor clamp_min(Tensor input, Scalar min) => throw null!;
    // Despite the trailing underscore, TorchSharp's torch.clamp_min_ and torch.clamp_max_ are not in place.
    public static Tensor clamp_min_(Tensor input, Scalar min) => throw null!;
    public static Tensor clamp_max(Tensor input, Scalar max) => throw null!;
    public static Tensor clamp_max_(Tensor input, Scalar max) => throw null!;

    public static Tensor nan_to_num(Tensor input, double nan = 0d, double? posinf = null, double? neginf = null) => throw null!;
    public static Tensor where(Tensor condition, Tensor x, Tensor y) => throw null!;

    // ---- comparison
    public static Tensor isfinite(Tensor input) => throw null!;
    public static Tensor isinf(Tensor input) => throw null!;
    public static Tensor isnan(Tensor input) => throw null!;

    // ---- reductions
    public static Tensor logsumexp(Tensor input, long dim, bool keepdim = false) => throw null!;
    public static Tensor sum(Tensor input, ScalarType? type = null) => throw null!;
    public static Tensor sum(Tensor input, long dim, bool keepdim = false, ScalarType? type = null) => throw null!;
    public static Tensor mean(Tensor input) => throw null!;
    public static Tensor mean(Tensor input, long[] dims, bool keepdim = false, ScalarType? type = null) => throw null!;
    public static Tensor all(Tensor input) => throw null!;
    public static Tensor any(Tensor input) => throw null!;
}
