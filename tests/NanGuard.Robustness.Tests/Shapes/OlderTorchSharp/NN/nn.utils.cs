// An older TorchSharp shape (before 0.107: the subset NanGuard touches), kept as data for the variant tests.
// Shapes follow torch.nn.utils in TorchSharp's src/TorchSharp/NN/Utils/*.cs.
using System.Collections.Generic;

namespace TorchSharp;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class utils
        {
            // Returns the total norm before clipping. TorchSharp has no error_if_nonfinite and no foreach.
            public static double clip_grad_norm_(IEnumerable<Modules.Parameter> tensors, double max_norm, double norm_type = 2.0) => throw null!;
            public static void clip_grad_value_(IEnumerable<Modules.Parameter> tensors, double clip_value) => throw null!;
        }
    }
}
