using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.DirectForwardCallAnalyzer,
    NanGuard.CodeFixes.Rules.DirectForwardCallCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class DirectForwardCallTests
{
    private const string Usings = """
        using System;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;

        """;

    // A forward hook registered somewhere in the compilation: where there is one, forward() skips something.
    private const string Hooks = """

        static class Watch
        {
            public static void Hook(nn.Module<Tensor, Tensor> module) => module.register_forward_hook((m, input, output) => output);
        }
        """;

    private const string QualifiedHooks = """

        static class Watch
        {
            public static void Hook(TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> module) =>
                module.register_forward_hook((m, input, output) => output);
        }
        """;

    [Fact]
    public async Task Submodule_forward_in_forward_becomes_call()
    {
        var test = Verify.Test();
        test.TestCode = Usings + """
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc1 = nn.Linear(4, 8);
                private Linear Fc2 { get; } = nn.Linear(8, 2);

                public Net() : base("Net") => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var h = {|#0:this.fc1.forward(x)|};
                    return [|Fc2.forward(h)|];
                }
            }
            """ + Hooks;
        test.FixedCode = Usings + """
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc1 = nn.Linear(4, 8);
                private Linear Fc2 { get; } = nn.Linear(8, 2);

                public Net() : base("Net") => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var h = this.fc1.call(x);
                    return Fc2.call(h);
                }
            }
            """ + Hooks;
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithSeverity(DiagnosticSeverity.Info)
            .WithMessage("calling forward directly skips the module's hooks; call this.fc1.call(...)"));
        await test.RunAsync();
    }

    [Fact]
    public Task Expression_bodied_forward_user_submodule_lambda_local_function_and_two_inputs() =>
        Verify.VerifyCodeFixAsync(Usings + """
            sealed class Block : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> inner = nn.Linear(4, 4);
                public Block() : base("Block") => RegisterComponents();
                public override Tensor forward(Tensor x) => [|inner.forward(x)|] + x;
            }

            sealed class Pair : nn.Module<Tensor, Tensor, Tensor>
            {
                private readonly Block block = new Block();
                public Pair() : base("Pair") => RegisterComponents();
                public override Tensor forward(Tensor a, Tensor b)
                {
                    Func<Tensor, Tensor> run = t => [|block.forward(t)|];
                    Tensor Run(Tensor t) => [|this.block.forward(t)|];
                    return run(a) + Run(b);
                }
            }
            """ + Hooks, Usings + """
            sealed class Block : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> inner = nn.Linear(4, 4);
                public Block() : base("Block") => RegisterComponents();
                public override Tensor forward(Tensor x) => inner.call(x) + x;
            }

            sealed class Pair : nn.Module<Tensor, Tensor, Tensor>
            {
                private readonly Block block = new Block();
                public Pair() : base("Pair") => RegisterComponents();
                public override Tensor forward(Tensor a, Tensor b)
                {
                    Func<Tensor, Tensor> run = t => block.call(t);
                    Tensor Run(Tensor t) => this.block.call(t);
                    return run(a) + Run(b);
                }
            }
            """ + Hooks);

    [Fact]
    public Task Recurrent_submodule_with_its_state_and_fully_qualified_names() =>
        Verify.VerifyCodeFixAsync("""
            sealed class Rnn : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
            {
                private readonly TorchSharp.Modules.LSTM lstm = TorchSharp.torch.nn.LSTM(4, 8);
                public Rnn() : base("Rnn") => RegisterComponents();
                public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) => [|lstm.forward(x, null)|].Item1;
            }
            """ + QualifiedHooks, """
            sealed class Rnn : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
            {
                private readonly TorchSharp.Modules.LSTM lstm = TorchSharp.torch.nn.LSTM(4, 8);
                public Rnn() : base("Rnn") => RegisterComponents();
                public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) => lstm.call(x, null).Item1;
            }
            """ + QualifiedHooks);

    [Fact]
    public Task No_fix_where_a_named_argument_would_not_bind() =>
        Verify.VerifyNoFixAsync(Usings + """
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc = nn.Linear(4, 2);
                public Net() : base("Net") => RegisterComponents();
                public override Tensor forward(Tensor x) => [|fc.forward(tensor: x)|];
            }
            """ + Hooks);

    [Fact]
    public Task Outside_forward_base_self_locals_and_non_modules_are_not_reported() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Helper { public Tensor forward(Tensor x) => x; }

            class Base : nn.Module<Tensor, Tensor>
            {
                public Base() : base("Base") { }
                public override Tensor forward(Tensor x) => x;
            }

            sealed class Net : Base
            {
                private readonly Linear fc = nn.Linear(4, 2);
                private readonly Helper helper = new Helper();

                public Tensor Predict(Tensor x) => fc.forward(x);

                public override Tensor forward(Tensor x)
                {
                    var local = nn.Linear(2, 2);
                    var a = base.forward(x);
                    var b = helper.forward(a);
                    var c = local.forward(b);
                    return fc.call(c);
                }
            }

            class Trainer
            {
                private readonly Linear model = nn.Linear(4, 2);
                public Tensor forward(Tensor x) => model.forward(x);
            }
            """ + Hooks);

    [Fact]
    public async Task Nothing_is_registered_without_TorchSharp()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithoutTorchSharp;
        var source = """
            namespace TorchSharp
            {
                public static class torch
                {
                    public sealed class Tensor { }
                    public static class nn { public abstract class Module { public virtual Tensor forward(Tensor x) => x; } }
                }
            }
            sealed class Net : TorchSharp.torch.nn.Module
            {
                private readonly TorchSharp.torch.nn.Module sub = null!;
                public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) => sub.forward(x);
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }

    [Fact]
    public Task No_hook_anywhere_in_the_compilation_no_finding() =>
        // TorchSharp's common idiom: with no hook registered, forward() skips nothing.
        Verify.VerifyAnalyzerAsync(Usings + """
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc1 = nn.Linear(4, 8);
                private Linear Fc2 { get; } = nn.Linear(8, 2);
                public Net() : base("Net") => RegisterComponents();
                public override Tensor forward(Tensor x) => Fc2.forward(this.fc1.forward(x));
            }

            // A method named like a registration that is not TorchSharp's gives no module a hook.
            sealed class Recorder { public void register_forward_hook(Func<Tensor, Tensor> hook) { } }
            static class Use { public static void Run(Recorder r) => r.register_forward_hook(t => t); }
            """);

    [Fact]
    public async Task A_hook_registered_in_another_file_makes_forward_a_finding()
    {
        var test = Verify.Test();
        test.TestState.Sources.Add(("Net.cs", Usings + """
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc1 = nn.Linear(4, 8);
                private readonly Linear fc2 = nn.Linear(8, 2);
                public Net() : base("Net") => RegisterComponents();
                public override Tensor forward(Tensor x) => {|#0:fc2.forward(x)|};
            }
            """));
        test.TestState.Sources.Add(("Probe.cs", Usings + """
            static class Probe
            {
                public static void Watch(Net net) => net.register_forward_pre_hook((m, input) => input);
            }
            """));
        test.FixedState.Sources.Add(("Net.cs", Usings + """
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc1 = nn.Linear(4, 8);
                private readonly Linear fc2 = nn.Linear(8, 2);
                public Net() : base("Net") => RegisterComponents();
                public override Tensor forward(Tensor x) => fc2.call(x);
            }
            """));
        test.FixedState.Sources.Add(test.TestState.Sources[1]);
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithSeverity(DiagnosticSeverity.Info)
            .WithMessage("calling forward directly skips the module's hooks; call fc2.call(...)"));
        await test.RunAsync();
    }

    [Fact]
    public async Task A_NanDetector_anywhere_makes_forward_a_finding()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithNanGuardRuntime;
        test.TestCode = Usings + """
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc = nn.Linear(4, 2);
                public Net() : base("Net") => RegisterComponents();
                public override Tensor forward(Tensor x) => [|fc.forward(x)|];
            }

            static class Program
            {
                static void Main()
                {
                    var net = new Net();
                    using var detector = new NanGuard.Runtime.NanDetector(net);
                    net.call(torch.ones(1, 4));
                }
            }
            """;
        test.FixedCode = Usings + """
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc = nn.Linear(4, 2);
                public Net() : base("Net") => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
            }

            static class Program
            {
                static void Main()
                {
                    var net = new Net();
                    using var detector = new NanGuard.Runtime.NanDetector(net);
                    net.call(torch.ones(1, 4));
                }
            }
            """;
        await test.RunAsync();
    }
}
