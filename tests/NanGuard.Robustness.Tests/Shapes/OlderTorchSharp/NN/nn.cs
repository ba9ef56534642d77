// An older TorchSharp shape (before 0.107: the subset NanGuard touches), kept as data for the variant tests.
// Shapes follow the torch.nn factory methods in TorchSharp's src/TorchSharp/NN/*.cs and the
// Reduction enum in NN/Losses.cs.
using TorchSharp.Modules;

namespace TorchSharp;

public enum PaddingModes
{
    Zeros = 0,
    Reflect = 1,
    Replicate = 2,
    Circular = 3,
    Constant = 4,
}

public static partial class torch
{
    public static partial class nn
    {
        public enum Reduction : long
        {
            None = 0,
            Mean = 1,
            Sum = 2,
        }

        public static Linear Linear(long inputSize, long outputSize, bool hasBias = true, Device? device = null, ScalarType? dtype = null) => throw null!;

        public static Conv2d Conv2d(long in_channels, long out_channels, long kernel_size, long stride = 1, long padding = 0, long dilation = 1, PaddingModes padding_mode = PaddingModes.Zeros, long groups = 1, bool bias = true, Device? device = null, ScalarType? dtype = null) => throw null!;

        public static ReLU ReLU(bool inplace = false) => throw null!;

        public static Flatten Flatten(long start_dim = 1, long end_dim = -1) => throw null!;

        public static Dropout Dropout(double p = 0.5, bool inplace = false) => throw null!;

        public static MaxPool2d MaxPool2d(long kernel_size, long? stride = null, long? padding = null, long? dilation = null, bool ceil_mode = false) => throw null!;

        public static Sequential Sequential() => throw null!;
        public static Sequential Sequential(params (string name, Module<Tensor, Tensor> submodule)[] modules) => throw null!;
        public static Sequential Sequential(params Module<Tensor, Tensor>[] modules) => throw null!;

        public static LSTM LSTM(long inputSize, long hiddenSize, long numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0.0, bool bidirectional = false, Device? device = null, ScalarType? dtype = null) => throw null!;

        public static GRU GRU(long inputSize, long hiddenSize, long numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0.0, bool bidirectional = false, Device? device = null, ScalarType? dtype = null) => throw null!;
    }
}
