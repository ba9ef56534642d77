using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Catalog.ApiMisuse;

/// <summary>NG3004: a hook put on a model to catch NaN, and the model run through <c>forward</c>, which never runs it.</summary>
static class HookedForwardCall
{
    public static Tensor Predict(Tensor x)
    {
        var model = nn.Linear(16, 4);
        model.register_forward_hook((module, input, output) =>
        {
            if (output.isnan().any().item<bool>())
                Console.WriteLine("NaN in the model's output");
            return output;
        });
        // NG3004: the hook above never runs.
        return model.forward(x);  // NanGuard: NG3004
    }
}
