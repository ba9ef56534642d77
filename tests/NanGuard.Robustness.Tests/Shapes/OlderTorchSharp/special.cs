// An older TorchSharp shape (before 0.107: the subset NanGuard touches), kept as data for the variant tests.
// Shapes follow torch.special in TorchSharp's src/TorchSharp/Special.cs.
namespace TorchSharp;

public static partial class torch
{
    public static partial class special
    {
        public static Tensor softmax(Tensor input, long dim, ScalarType? dtype = null) => throw null!;
        public static Tensor log_softmax(Tensor input, long dim, ScalarType? dtype = null) => throw null!;
        // torch.special has xlog1py but no xlogy.
        public static Tensor xlog1py(Tensor input, Tensor other) => throw null!;
    }
}
