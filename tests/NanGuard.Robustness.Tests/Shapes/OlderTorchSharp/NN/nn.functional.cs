// An older TorchSharp shape (before 0.107: the subset NanGuard touches), kept as data for the variant tests.
// Shapes follow torch.nn.functional in TorchSharp's src/TorchSharp/NN/Activation/*.cs, Losses.cs,
// Normalization/Functional.cs, CosineSimilarity.cs, Dropout.cs and Tensor/torch.OtherOperations.cs.
namespace TorchSharp;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            public static Tensor softmax(Tensor input, long dim, ScalarType? dtype = null) => throw null!;
            // No dtype parameter, unlike Tensor.log_softmax and torch.special.log_softmax.
            public static Tensor log_softmax(Tensor x, long dim) => throw null!;
            public static Tensor sigmoid(Tensor x) => throw null!;
            public static Tensor logsigmoid(Tensor x) => throw null!;
            public static Tensor softplus(Tensor x, double beta = 1, double threshold = 20) => throw null!;
            public static Tensor relu(Tensor x, bool inplace = false) => throw null!;

            public static Tensor cross_entropy(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100, Reduction reduction = Reduction.Mean, double label_smoothing = 0.0) => throw null!;
            public static Tensor nll_loss(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean) => throw null!;
            public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) => throw null!;
            public static Tensor binary_cross_entropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean) => throw null!;
            public static Tensor binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? pos_weights = null) => throw null!;

            public static Tensor normalize(Tensor input, double p = 2.0, long dim = 1L, double eps = 1e-12) => throw null!;
            public static Tensor cosine_similarity(Tensor x1, Tensor x2, long dim = 1, double eps = 1e-8) => throw null!;
            // Int64 indices in, Int64 one-hot out.
            public static Tensor one_hot(Tensor x, long num_classes = -1) => throw null!;
            public static Tensor dropout(Tensor input, double p = 0.5, bool training = true, bool inplace = false) => throw null!;
        }
    }
}
