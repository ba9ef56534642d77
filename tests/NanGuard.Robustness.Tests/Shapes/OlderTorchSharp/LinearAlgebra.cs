// An older TorchSharp shape (before 0.107: the subset NanGuard touches), kept as data for the variant tests.
// Shapes follow torch.linalg in TorchSharp's src/TorchSharp/LinearAlgebra.cs.
namespace TorchSharp;

public static partial class torch
{
    public static partial class linalg
    {
        public static Tensor vector_norm(Tensor input, double ord = 2d, long[]? dims = null, bool keepdim = false) => throw null!;
    }
}
