// An older TorchSharp shape (before 0.107: the subset NanGuard touches), kept as data for the variant tests.
// Shapes follow TorchSharp's src/TorchSharp/NN/Module.cs.
using System;
using System.Collections.Generic;
using TorchSharp.Modules;

namespace TorchSharp;

public static partial class torch
{
    public static partial class nn
    {
        public class Module : IDisposable
        {
            // Constructor for custom modules: user code subclasses Module<T, TResult> and passes a name.
            protected Module(string name) => throw null!;
            internal Module(IntPtr handle, IntPtr? boxedHandle, bool ownsHandle = true) => throw null!;

            public void Dispose() => throw null!;
            protected virtual void Dispose(bool disposing) => throw null!;

            public virtual Module apply(Action<Module> fn) => throw null!;
            public virtual void train(bool train = true) => throw null!;
            public virtual void eval() => throw null!;
            public virtual bool training => throw null!;
            public virtual void zero_grad(bool set_to_none = true) => throw null!;

            public virtual IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true, bool include_nonpersistent = true) => throw null!;
            public virtual IEnumerable<Tensor> buffers(bool recurse = true, bool include_nonpersistent = true) => throw null!;
            public virtual IEnumerable<(string name, Module module)> named_children() => throw null!;
            public virtual IEnumerable<(string name, Module module)> named_modules() => throw null!;
            public virtual IEnumerable<Module> modules() => throw null!;
            public virtual IEnumerable<Module> children() => throw null!;
            public virtual IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true) => throw null!;
            public virtual IEnumerable<Parameter> parameters(bool recurse = true) => throw null!;

            public virtual Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null) => throw null!;
            // The second tuple element's name is misspelt in TorchSharp itself; kept as it is.
            public virtual (IList<string> missing_keys, IList<string> unexpected_keyes) load_state_dict(Dictionary<string, Tensor> source, bool strict = true, IList<string>? skip = null) => throw null!;

            public virtual bool has_buffer(string target) => throw null!;
            public virtual bool has_parameter(string target) => throw null!;
            public virtual Tensor? get_buffer(string target) => throw null!;
            public virtual Parameter? get_parameter(string target) => throw null!;
            public virtual void register_buffer(string name, Tensor tensor, bool persistent = true) => throw null!;
            public virtual void register_parameter(string name, Parameter param) => throw null!;
            public void add_module(string name, Module module) => throw null!;
            public virtual void register_module(string name, Module submodule) => throw null!;

            public virtual string GetName() => throw null!;

            public Module save(string location, IList<string>? skip = null) => throw null!;
            public Module save(System.IO.BinaryWriter writer, IList<string>? skip = null) => throw null!;
            public Module save(System.IO.Stream stream, IList<string>? skip = null) => throw null!;
            public virtual Module load(string location, bool strict = true, IList<string>? skip = null, Dictionary<string, bool>? loadedParameters = null) => throw null!;
            public virtual Module load(System.IO.BinaryReader reader, bool strict = true, IList<string>? skip = null, Dictionary<string, bool>? loadedParameters = null) => throw null!;
            public Module load(System.IO.Stream stream, bool strict = true, IList<string>? skip = null, Dictionary<string, bool>? loadedParameters = null) => throw null!;

            protected virtual void RegisterComponents() => throw null!;

            protected string? name;
        }

        public interface IModule<T, TResult>
        {
            TResult call(T input1);
        }

        public interface IModule<T1, T2, TResult>
        {
            TResult call(T1 input1, T2 input2);
        }

        public interface IModule<T1, T2, T3, TResult>
        {
            TResult call(T1 input1, T2 input2, T3 input3);
        }

        // Forward hooks: registered on any module derived from Module<...>, run only through call(),
        // never through forward(). TPreHook / TPostHook are the Func types each Module<...> arity fixes.
        public class HookableModule<TPreHook, TPostHook> : Module
        {
            protected HookableModule(string name) : base(name) => throw null!;
            protected HookableModule(IntPtr handle, IntPtr boxedHandle) : base(handle, boxedHandle) => throw null!;

            public HookRemover register_forward_hook(TPostHook hook) => throw null!;
            public HookRemover register_forward_pre_hook(TPreHook hook) => throw null!;
            public HookRemover register_forward_hook(Action<Module> hook) => throw null!;
            public HookRemover register_forward_pre_hook(Action<Module> hook) => throw null!;

            protected Dictionary<string, TPreHook> pre_hooks = null!;
            protected Dictionary<string, TPostHook> post_hooks = null!;
            protected Dictionary<string, Action<Module>> module_pre_hooks = null!;
            protected Dictionary<string, Action<Module>> module_post_hooks = null!;

            // TorchSharp's handle for removing a hook (PyTorch's RemovableHandle); it is not IDisposable.
            public class HookRemover
            {
                public HookRemover(HookableModule<TPreHook, TPostHook> module, string key) => throw null!;

                public void remove() => throw null!;
            }
        }

        public abstract class Module<T, TResult> : HookableModule<Func<Module<T, TResult>, T, T>, Func<Module<T, TResult>, T, TResult, TResult>>, IModule<T, TResult>
        {
            protected Module(string name) : base(name) => throw null!;
            protected Module(IntPtr handle, IntPtr boxedHandle) : base(handle, boxedHandle) => throw null!;

            public abstract TResult forward(T input);

            public TResult call(T input) => throw null!;
        }

        public abstract class Module<T1, T2, TResult> : HookableModule<Func<Module<T1, T2, TResult>, T1, T2, (T1, T2)?>, Func<Module<T1, T2, TResult>, T1, T2, TResult, TResult>>, IModule<T1, T2, TResult>
        {
            protected Module(string name) : base(name) => throw null!;
            protected Module(IntPtr handle, IntPtr boxedHandle) : base(handle, boxedHandle) => throw null!;

            public abstract TResult forward(T1 input1, T2 input2);

            public TResult call(T1 input1, T2 input2) => throw null!;
        }

        public abstract class Module<T1, T2, T3, TResult> : HookableModule<Func<Module<T1, T2, T3, TResult>, T1, T2, T3, (T1, T2, T3)?>, Func<Module<T1, T2, T3, TResult>, T1, T2, T3, TResult, TResult>>, IModule<T1, T2, T3, TResult>
        {
            protected Module(string name) : base(name) => throw null!;
            protected Module(IntPtr handle, IntPtr boxedHandle) : base(handle, boxedHandle) => throw null!;

            public abstract TResult forward(T1 input1, T2 input2, T3 input3);

            public TResult call(T1 input1, T2 input2, T3 input3) => throw null!;
        }
    }
}

// Module.to()/cpu()/cuda() are extension methods in TorchSharp, generic so they return the module's own type.
public static class ModuleExtensionMethods
{
    public static T to<T>(this T module, torch.ScalarType type, bool non_blocking = false) where T : torch.nn.Module => throw null!;
    public static T to<T>(this T module, torch.Device device, torch.ScalarType type, bool non_blocking = false) where T : torch.nn.Module => throw null!;
    public static T to<T>(this T module, DeviceType deviceType, int deviceIndex = -1, bool non_blocking = false) where T : torch.nn.Module => throw null!;
    public static T to<T>(this T module, torch.Device device, bool non_blocking = false) where T : torch.nn.Module => throw null!;
    public static T to<T>(this T module, string device, bool non_blocking = false) where T : torch.nn.Module => throw null!;
    public static T to<T>(this T module, torch.Tensor other, bool non_blocking = false) where T : torch.nn.Module => throw null!;
    public static T cpu<T>(this T module, bool non_blocking = false) where T : torch.nn.Module => throw null!;
    public static T cuda<T>(this T module, int deviceIndex = -1, bool non_blocking = false) where T : torch.nn.Module => throw null!;
}
