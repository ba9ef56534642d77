// The TorchSharp API misuse rules, one file per rule named by its id: NG3001.StaticClampNotInPlace.cs (static
// clamp_min_ is not in place), NG3002.CompareWithNaN.cs (comparing with NaN), NG3003.DirectForwardCall.cs (a submodule
// run through forward, hidden from the hook below), NG3004.HookedForwardCall.cs (a model given a hook, run through forward).
using Catalog.ApiMisuse;
using TorchSharp;

static class Program
{
    static void Main()
    {
        var model = new Normalizer();
        // A NaN watch on the normalizer's scale layer, which Normalizer.forward bypasses (NG3003).
        model.scale.register_forward_hook((module, input, output) =>
        {
            if (output.isnan().any().item<bool>())
                System.Console.WriteLine("NaN in Normalizer.scale");
            return output;
        });
        var output = model.call(torch.randn(4, 16));
        CompareWithNaN.Check(output);
        HookedForwardCall.Predict(output);
    }
}
